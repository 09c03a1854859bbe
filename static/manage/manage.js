// Lets a customer see, move or cancel one booking, with the token from their confirmation.
(function () {
  "use strict";
  const root = document.querySelector(".manage");
  const id = root.dataset.booking;
  const slug = root.dataset.business;
  const token = new URLSearchParams(location.search).get("token") || "";
  // The words this script writes, in the page's language (the server's choice for this browser,
  // from src/languages/); the page's own words are already in its HTML.
  const t = JSON.parse(document.getElementById("page-texts").textContent);
  const message = document.getElementById("message");
  const headers = { "content-type": "application/json", "x-manage-token": token };
  let booking = null;

  function when(iso, zone) {
    return new Date(iso).toLocaleString(t.date_locale, {
      weekday: "long", day: "numeric", month: "long", hour: "2-digit", minute: "2-digit", timeZone: zone,
    });
  }

  function render() {
    const details = document.getElementById("details");
    details.textContent = "";
    const list = document.createElement("dl");
    const rows = [[t.service, booking.service_name], [t.staff, booking.staff_name],
      [t.when, when(booking.start, booking.time_zone) + " (" + booking.time_zone + ")"], [t.reference, booking.reference],
      [t.status, t.statuses[booking.status] || booking.status]];
    for (const [label, value] of rows) {
      const dt = document.createElement("dt"); dt.textContent = label;
      const dd = document.createElement("dd"); dd.textContent = value;
      if (label === t.status && booking.status === "cancelled") dd.className = "status-cancelled";
      list.append(dt, dd);
    }
    details.appendChild(list);
    document.getElementById("actions").hidden = !(booking.status === "confirmed");
    document.getElementById("move-date").value = booking.start.slice(0, 10);
  }

  async function load() {
    const response = await fetch("/api/v1/bookings/" + encodeURIComponent(id), { headers });
    if (!response.ok) { document.getElementById("details").textContent = t.not_found; return; }
    booking = await response.json();
    render();
    showSlots();
  }

  async function showSlots() {
    const day = document.getElementById("move-date").value;
    const box = document.getElementById("move-slots");
    box.textContent = "";
    if (!day) return;
    const query = new URLSearchParams({ service_id: booking.service_id, from: day, to: day });
    const response = await fetch("/api/v1/businesses/" + encodeURIComponent(slug) + "/availability?" + query);
    const data = response.ok ? await response.json() : { slots: [] };
    if (!data.slots.length) { box.textContent = t.no_times; return; }
    for (const slot of data.slots) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "choice";
      button.textContent = slot.start.slice(11, 16);
      button.addEventListener("click", () => move(slot.start));
      box.appendChild(button);
    }
  }

  async function move(start) {
    const response = await fetch("/api/v1/bookings/" + encodeURIComponent(id) + "/reschedule", {
      method: "POST", headers, body: JSON.stringify({ start }),
    });
    const data = await response.json();
    if (!response.ok) { message.textContent = data.error ? data.error.message : response.statusText; return; }
    booking = data;
    render();
    showSlots();
    message.textContent = t.moved;
  }

  document.getElementById("move-date").addEventListener("change", showSlots);
  document.getElementById("cancel").addEventListener("click", async () => {
    if (!confirm(t.cancel_sure)) return;
    const response = await fetch("/api/v1/bookings/" + encodeURIComponent(id) + "/cancel", { method: "POST", headers });
    const data = await response.json();
    if (!response.ok) { message.textContent = data.error ? data.error.message : response.statusText; return; }
    booking = data;
    render();
    message.textContent = t.cancelled;
  });
  load();
})();
