/**
 * The resolver's dead-code answers, computed once on first use: JS/TS modules (./deadCode) and Python ones
 * (./pyDeadCode). Pure.
 */
import { deadCode, type DeadCodeContext, type DeadModules } from './deadCode';
import type { PyDead } from './pyDeadCode';

export class DeadFiles {
  private jsDead: DeadModules | null = null;
  private pyDead: PyDead | null = null;

  constructor(
    private readonly jsContext: () => DeadCodeContext,
    private readonly pyContext: () => PyDead,
  ) {}

  /** JS/TS: the dead modules, those never run as they stand, spare apps, and the kept ones with why. */
  get js(): DeadModules {
    return (this.jsDead ??= deadCode(this.jsContext()));
  }

  /** Python: the dead modules, and which modules' includes are all read. */
  get py(): PyDead {
    return (this.pyDead ??= this.pyContext());
  }

  /** A module that is dead code; `inert`: one whose own routes are dead wherever they mount (any Python one, a JS/TS one
   *  never run as it stands); `spare`: a JS/TS app nothing runs. */
  has(file: string, set: 'dead' | 'inert' | 'spare' = 'dead'): boolean {
    return (set !== 'spare' && this.py.modules.has(file)) || this.js[set].has(file);
  }
}
