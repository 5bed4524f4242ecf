// The language switcher takes the reader to the same page in the other edition.
//
// mkdocs-static-i18n writes the other edition's address of each page into that
// page's switcher, but Material's instant navigation keeps the header of the first
// page loaded, so after one click inside the book the switcher would point at the
// first page's twin. This script computes the twin of the page being read instead:
// the Chinese edition is the English one under zh/, page for page and anchor for
// anchor (tests/test_editions.py keeps the anchors equal). Every page has a twin:
// the Chinese site serves the pages it does not translate in English.
(() => {
  // This file is served from the site's root, javascripts/language.js, in both editions.
  const root = new URL("..", document.currentScript.src);
  const editions = ["zh"]; // the languages with a directory of their own; English is at the root

  function twin(language) {
    const here = new URL(window.location.href);
    let path = here.pathname.slice(root.pathname.length);
    const first = path.split("/")[0];
    if (editions.includes(first)) path = path.slice(first.length + 1);
    const prefix = editions.includes(language) ? `${language}/` : "";
    return new URL(prefix + path + here.hash, root);
  }

  // Capture phase: decide before Material's own click handling does.
  document.addEventListener(
    "click",
    (event) => {
      const link = event.target instanceof Element ? event.target.closest("a.md-select__link[hreflang]") : null;
      if (link === null || event.metaKey || event.ctrlKey) return;
      event.preventDefault();
      event.stopImmediatePropagation();
      window.location.assign(twin(link.getAttribute("hreflang")).href);
    },
    true,
  );
})();
