// Window focus for browser checks (the demo's and the e2e bridge's): Playwright emulates focus in every
// page, so a page is "focused" even when it is not in front. Turning that emulation off and bringing
// another page to the front takes the focus away, as a user switching to another window does.

/** @param {import('playwright-core').Page} page @returns {(focused: boolean) => Promise<boolean>} */
export function windowFocus(page) {
  let cdp; // kept open: an emulation override lasts as long as its session
  let blank;
  return async (focused) => {
    cdp ??= await page.context().newCDPSession(page);
    await cdp.send('Emulation.setFocusEmulationEnabled', { enabled: focused });
    if (focused) {
      await blank?.close();
      blank = undefined;
      await page.bringToFront();
    } else {
      blank ??= await page.context().newPage();
      await blank.bringToFront();
    }
    return page.evaluate('document.hasFocus()');
  };
}
