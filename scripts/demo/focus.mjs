// Window focus for browser checks (the demo's and the e2e bridge's). A desktop window that loses focus stays
// on screen and keeps drawing; a headless page put behind another one does not (no animation frames). So the
// page stays in front and is told what an OS focus change tells it: `document.hasFocus()` answers false, the
// focused element (the editor) is blurred, and the window gets its blur event — VS Code listens to exactly
// these. Giving focus back undoes it.

/** @param {import('playwright-core').Page} page @returns {(focused: boolean) => Promise<boolean>} */
export function windowFocus(page) {
  return (focused) =>
    page.evaluate((focus) => {
      if (focus) {
        delete document.hasFocus; // the prototype's answer again
        window.dispatchEvent(new FocusEvent('focus'));
      } else {
        document.hasFocus = () => false;
        if (document.activeElement instanceof HTMLElement) document.activeElement.blur();
        window.dispatchEvent(new FocusEvent('blur'));
      }
      return document.hasFocus();
    }, focused);
}
