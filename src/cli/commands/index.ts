import type { Command } from '../io';
import { routesCommand } from './routes';
import { metricsCommand } from './metrics';
import { instrumentCommand } from './instrument';
import { receiverCommand } from './receiver';
import { scaffoldCommand } from './scaffold';
import { logsCommand } from './logs';

/** Subcommands in help order. Feature issues add theirs here. */
export const commands: Command[] = [routesCommand, metricsCommand, instrumentCommand, receiverCommand, scaffoldCommand, logsCommand];
