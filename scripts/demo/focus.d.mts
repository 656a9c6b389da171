import type { Page } from 'playwright-core';
/** Sets whether `page` has focus; resolves to what the page then reports (`document.hasFocus()`). */
export function windowFocus(page: Page): (focused: boolean) => Promise<boolean>;
