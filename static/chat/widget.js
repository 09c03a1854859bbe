// Embeds the Chairside chat on any website with one tag:
//   <script src="https://YOUR-CHAIRSIDE/static/chat/widget.js" data-business="your-slug" defer></script>
(function () {
  "use strict";
  const script = document.currentScript;
  if (!script || !script.dataset.business) return;
  const origin = new URL(script.src).origin;
  const slug = script.dataset.business;
  // The button's label in every language Chairside speaks, by language code: the server writes
  // them in from src/languages/ as it serves this file. English where the browser's is missing.
  const labels = {/* labels */};
  const lang = (navigator.language || "en").slice(0, 2).toLowerCase();
  const label = script.dataset.label || labels[lang] || labels.en;

  const button = document.createElement("button");
  button.type = "button";
  button.textContent = label;
  button.setAttribute("aria-expanded", "false");
  button.setAttribute("aria-controls", "chairside-chat");
  button.style.cssText = "position:fixed;right:1rem;bottom:1rem;z-index:2147483000;padding:.8rem 1.2rem;" +
    "border:0;border-radius:999px;background:#1f5f8b;color:#fff;font:600 1rem system-ui,sans-serif;" +
    "box-shadow:0 4px 14px rgba(0,0,0,.25);cursor:pointer;min-height:44px";

  const frame = document.createElement("iframe");
  frame.id = "chairside-chat";
  frame.title = label;
  frame.hidden = true;
  frame.style.cssText = "position:fixed;right:1rem;bottom:4.5rem;z-index:2147483000;width:min(24rem,calc(100vw - 2rem));" +
    "height:min(36rem,calc(100vh - 6rem));border:0;border-radius:14px;box-shadow:0 8px 30px rgba(0,0,0,.3);background:#fff";

  button.addEventListener("click", () => {
    if (!frame.src) frame.src = origin + "/b/" + encodeURIComponent(slug) + "/chat";
    frame.hidden = !frame.hidden;
    button.setAttribute("aria-expanded", String(!frame.hidden));
    if (!frame.hidden) frame.focus();
  });
  function close() {
    frame.hidden = true;
    button.setAttribute("aria-expanded", "false");
    button.focus();
  }
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !frame.hidden) close();
  });
  // Keys pressed inside the chat stay in its frame: the chat asks for Escape to close it.
  window.addEventListener("message", (event) => {
    const asked = event.data && event.data.chairside === "close";
    if (asked && event.origin === origin && event.source === frame.contentWindow && !frame.hidden) close();
  });
  document.body.appendChild(frame);
  document.body.appendChild(button);
})();
