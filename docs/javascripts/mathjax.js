// MathJax configuration for pymdownx.arithmatex (generic mode), served with the site.
//
// Arithmatex wraps every formula in an element of class "arithmatex" holding
// \( … \) or \[ … \]; MathJax is told to look there and nowhere else, so a
// dollar sign or a backslash in prose or code is never taken for math.
window.MathJax = {
  tex: {
    inlineMath: [["\\(", "\\)"]],
    displayMath: [["\\[", "\\]"]],
    processEscapes: true,
    processEnvironments: true,
  },
  options: {
    ignoreHtmlClass: ".*|",
    processHtmlClass: "arithmatex",
  },
};

// Material's instant navigation swaps the page content without reloading, and
// announces each new page on `document$`. MathJax typesets the first page by
// itself when it starts; on every later page the old typesetting state must be
// dropped and the new content typeset.
//
// The first emission must NOT clear MathJax's cache: with a locally served
// MathJax, start-up typesetting can finish before that emission arrives, and
// clearCache() then deletes the CSS rules of the glyphs already on the page,
// so every formula renders blank while the DOM still holds mjx-container
// elements. tests/test_browser.py fails on exactly that.
let isFirstPage = true;

document$.subscribe(() => {
  if (isFirstPage) {
    isFirstPage = false;
    return;
  }
  // A page reached before MathJax finished loading is typeset by its start-up.
  if (!window.MathJax.startup) {
    return;
  }
  MathJax.startup.promise.then(() => {
    MathJax.startup.output.clearCache();
    MathJax.typesetClear();
    MathJax.texReset();
    return MathJax.typesetPromise();
  });
});
