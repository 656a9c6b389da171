import type { Command } from '../io';

/** Subcommands in help order. Feature issues add theirs here. */
export const commands: Command[] = [];
