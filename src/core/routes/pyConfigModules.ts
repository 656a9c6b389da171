/**
 * Flask `app.config.from_object('pkg.settings')`: the configuration is the upper-case module-level names of that module
 * (Flask `Config.from_object` imports the dotted path and copies its upper-case attributes), so `app.config['FILES_URL']`
 * is `FILES_URL = '/f'` of pkg/settings.py. Recorded as a configuration load the values resolver reads
 * (values.ts configValue). A class or module object (`from_object(Config)`) is handled by the class-name rule there. Pure.
 */
import type { FileAnalysis } from './model';
import { pyStringValue, type SyntaxNode as Node } from '../parsing/nodes';

export function flaskConfigModule(fa: FileAnalysis, arg: Node | undefined): void {
  const dotted = pyStringValue(arg);
  if (dotted && /^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$/.test(dotted)) (fa.configLoads ??= []).push({ k: 'imp', mod: `py:${dotted}`, name: '*' });
}
