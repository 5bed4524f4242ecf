// What a loaded page of the book shows, for tests/test_browser.py (run with page.evaluate).
// Waits for MathJax and the fonts, then reports formulas, glyphs, figures and any TeX left raw.
async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    await MathJax.startup.promise;
  }
  await document.fonts.ready;
  const TEX_DELIMITERS = /\\\(|\\\)|\\\[|\\\]/;
  const formulas = [...document.querySelectorAll(".arithmatex")];
  const rawTex = formulas.filter((element) => {
    const outsideMath = element.cloneNode(true);
    outsideMath.querySelectorAll("mjx-container").forEach((container) => container.remove());
    return !element.querySelector("mjx-container") || TEX_DELIMITERS.test(outsideMath.textContent);
  }).map((element) => element.textContent.trim().slice(0, 120));
  // TeX that is not in a formula at all is never typeset: e.g. math in a heading, which
  // the table of contents and the page title repeat as plain text.
  const texOutsideFormulas = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const skip = node.parentElement.closest("pre, code, script, style, .arithmatex, mjx-container");
    if (!skip && TEX_DELIMITERS.test(node.textContent)) {
      texOutsideFormulas.push(node.textContent.trim().slice(0, 120));
    }
  }
  if (TEX_DELIMITERS.test(document.title)) texOutsideFormulas.push(`title: ${document.title}`);
  const styles = document.getElementById("MJX-CHTML-styles");
  const selectors = styles && styles.sheet
    ? [...styles.sheet.cssRules].map((rule) => rule.selectorText || "").join("\n") : "";
  const glyphs = [...document.querySelectorAll("mjx-c")];
  const glyphClasses = new Set();
  glyphs.forEach((glyph) => glyph.classList.forEach((name) => {
    if (/^mjx-c[0-9A-F]+$/.test(name)) glyphClasses.add(name);
  }));
  const unstyled = [...glyphClasses].filter(
    (name) => !new RegExp(`\\.${name}(?![0-9A-F])`).test(selectors));
  // No rule gives the glyph any content. (An invisible operator such as U+2061, function
  // application, legitimately has the content "", so that does not count as blank.)
  const blank = glyphs.filter((glyph) => {
    const content = getComputedStyle(glyph, "::before").content;
    return content === "none" || content === "normal";
  }).length;
  // A figure that did not load, or loaded but is not an image, has no natural width.
  const images = [...document.images];
  return {
    path: location.pathname,
    formulas: formulas.length,
    glyphs: glyphs.length,
    rawTex,
    texOutsideFormulas,
    unstyledGlyphClasses: unstyled,
    blankGlyphs: blank,
    texErrors: [...document.querySelectorAll("mjx-merror")].map((error) => error.textContent),
    images: images.length,
    brokenImages: images.filter((image) => !image.complete || image.naturalWidth === 0)
      .map((image) => image.src),
  };
}
