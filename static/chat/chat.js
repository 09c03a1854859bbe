// The Chairside web chat: sends what the customer writes or taps, shows the replies, and
// polls for messages staff write later. No build step, no dependencies.
(function () {
  "use strict";
  const root = document.querySelector(".chat");
  const slug = root.dataset.business;
  const log = document.getElementById("chat-log");
  const form = document.getElementById("chat-form");
  const input = document.getElementById("chat-input");
  const status = document.getElementById("chat-status");
  const api = "/api/v1/businesses/" + encodeURIComponent(slug);
  // The words this script writes, in the page's language (the server's choice for this browser,
  // from src/languages/); the page's own words are already in its HTML.
  const t = JSON.parse(document.getElementById("page-texts").textContent);

  // The conversation id is the key to this conversation: random, kept in this browser only.
  const storageKey = "chairside:" + slug;
  let saved = {};
  try { saved = JSON.parse(localStorage.getItem(storageKey) || "{}"); } catch (_) { saved = {}; }
  const conversationId = saved.conversationId || newId();
  let lastMessageId = saved.lastMessageId || null;
  let busy = false;
  persist();

  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return "c" + Date.now().toString(36) + Math.random().toString(36).slice(2) + Math.random().toString(36).slice(2);
  }

  function persist() {
    try { localStorage.setItem(storageKey, JSON.stringify({ conversationId, lastMessageId })); } catch (_) { /* private mode */ }
  }

  // Links in replies become clickable; everything else stays text (never HTML from the server).
  function appendText(node, text) {
    const parts = text.split(/(https?:\/\/[^\s]+)/g);
    for (const part of parts) {
      if (/^https?:\/\//.test(part)) {
        const a = document.createElement("a");
        a.href = part;
        a.textContent = t.link;
        a.rel = "noopener";
        a.target = "_blank";
        node.appendChild(a);
      } else if (part) {
        node.appendChild(document.createTextNode(part));
      }
    }
  }

  // Scrolls the log only: scrollIntoView would also scroll the page that embeds the widget.
  function scrollToEnd() {
    log.scrollTop = log.scrollHeight;
  }

  function addMessage(author, text) {
    const item = document.createElement("li");
    item.className = "msg msg--" + (author === "customer" ? "me" : author);
    if (author === "staff") {
      const who = document.createElement("span");
      who.className = "msg__who";
      who.textContent = t.staff;
      item.appendChild(who);
    }
    appendText(item, text);
    log.appendChild(item);
    scrollToEnd();
    return item;
  }

  function disableOldChoices() {
    for (const b of log.querySelectorAll(".choice")) b.disabled = true;
  }

  function addChoices(choices) {
    if (!choices || !choices.length) return;
    const item = document.createElement("li");
    item.className = "choices";
    item.setAttribute("role", "group");
    item.setAttribute("aria-label", t.choices);
    for (const choice of choices) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "choice";
      button.textContent = choice.title;
      button.addEventListener("click", () => send({ payload: choice.payload }, choice.title));
      item.appendChild(button);
    }
    log.appendChild(item);
    scrollToEnd();
  }

  function showReplies(replies) {
    for (const reply of replies) {
      addMessage("bot", reply.text);
      addChoices(reply.choices);
    }
    const last = log.querySelector(".choices:last-child .choice");
    status.textContent = replies.map((r) => r.text).join(" ");
    // A tapped choice is disabled and loses focus; keyboard users go on from the new choices,
    // or from the input when there are none.
    if (document.activeElement !== input) (last || input).focus();
  }

  async function send(content, shown) {
    if (busy) return;
    busy = true;
    disableOldChoices();
    addMessage("customer", shown);
    const body = Object.assign({ conversation_id: conversationId, message_id: newId(), locale: navigator.language }, content);
    let attempt = 0;
    for (;;) {
      try {
        const response = await fetch(api + "/chat", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body),
        });
        const data = await response.json();
        if (!response.ok) throw new Error((data.error && data.error.message) || response.statusText);
        if (data.last_message_id) { lastMessageId = data.last_message_id; persist(); }
        showReplies(data.replies || []);
        break;
      } catch (error) {
        // The same message id makes a retry safe: the server answers it once.
        if (++attempt < 3) { await new Promise((r) => setTimeout(r, 800 * attempt)); continue; }
        addMessage("bot", t.unreachable);
        break;
      }
    }
    busy = false;
  }

  async function poll() {
    if (busy || document.hidden) return;
    const query = lastMessageId ? "?after=" + encodeURIComponent(lastMessageId) : "";
    try {
      const response = await fetch(api + "/chat/" + encodeURIComponent(conversationId) + "/messages" + query);
      if (!response.ok) return;
      const data = await response.json();
      for (const message of data.messages || []) {
        if (!lastMessageId || message.id > lastMessageId) {
          if (message.direction === "out") {
            disableOldChoices();
            addMessage(message.author, message.text);
            addChoices(message.choices);
          }
          lastMessageId = message.id;
        }
      }
      persist();
    } catch (_) { /* offline: try again on the next tick */ }
  }

  // Framed by the widget, Escape asks the page around to close the chat (keys pressed in a
  // frame never reach that page). The message carries nothing private.
  if (window.parent !== window) {
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape") window.parent.postMessage({ chairside: "close" }, "*");
    });
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    // While a message is on its way the text stays in the input, to be sent next.
    if (!text || busy) return;
    input.value = "";
    send({ text }, text);
  });

  // Show the conversation so far (after a reload), or open it.
  (async function start() {
    try {
      const response = await fetch(api + "/chat/" + encodeURIComponent(conversationId) + "/messages");
      const data = response.ok ? await response.json() : { messages: [] };
      const messages = data.messages || [];
      messages.forEach((m, i) => {
        addMessage(m.direction === "in" ? "customer" : m.author, m.text || "…");
        if (i === messages.length - 1 && m.direction === "out") addChoices(m.choices);
        lastMessageId = m.id;
      });
      persist();
      // A signed link from the business (an email's "Chat with us") opens the chat knowing the
      // customer; it is sent once and taken out of the address, so a reload does not repeat it.
      const link = new URLSearchParams(window.location.search).get("link");
      if (link) {
        history.replaceState(null, "", window.location.pathname);
        await send({ payload: link }, t.opened_from_link);
      } else if (!messages.length) {
        await send({ text: t.hello }, t.hello);
      }
    } catch (_) { /* the form still works */ }
    setInterval(poll, 4000);
  })();
})();
