// Starts ReDoc on the schema named by the page (no inline script: the page's CSP allows none).
// ReDoc puts its generated styles in <style> elements, with this request's CSP nonce.
const container = document.getElementById("redoc-container");

// ReDoc's menu links Redocly's logo from cdn.redoc.ly: this page loads nothing from another
// origin, so that image gets no source (docs.css hides it).
const isRedoclyLogo = (value) => String(value).startsWith("https://cdn.redoc.ly/");
const setAttribute = Element.prototype.setAttribute;
Element.prototype.setAttribute = function (name, value) {
  if (!(this instanceof HTMLImageElement && name === "src" && isRedoclyLogo(value))) {
    setAttribute.call(this, name, value);
  }
};
const source = Object.getOwnPropertyDescriptor(HTMLImageElement.prototype, "src");
Object.defineProperty(HTMLImageElement.prototype, "src", {
  ...source,
  set(value) {
    if (!isRedoclyLogo(value)) source.set.call(this, value);
  },
});

Redoc.init(container.dataset.schemaUrl, { nonce: container.dataset.nonce }, container);
