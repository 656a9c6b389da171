import * as vscode from 'vscode';

/** The one LogOutputChannel, with a component tag per caller. Never log secrets. */
let channel: vscode.LogOutputChannel | undefined;

export function initLog(): vscode.LogOutputChannel {
  channel ??= vscode.window.createOutputChannel('Telemetry Lens', { log: true });
  return channel;
}

export interface Logger {
  trace(msg: string): void;
  debug(msg: string): void;
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string | Error): void;
}

export function logger(component: string): Logger {
  const c = (): vscode.LogOutputChannel => initLog();
  const tag = (m: string): string => `[${component}] ${m}`;
  return {
    trace: (m) => c().trace(tag(m)),
    debug: (m) => c().debug(tag(m)),
    info: (m) => c().info(tag(m)),
    warn: (m) => c().warn(tag(m)),
    error: (m) => c().error(tag(m instanceof Error ? (m.stack ?? m.message) : m)),
  };
}
