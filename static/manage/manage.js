// Lets a customer see, move or cancel one booking, with the token from their confirmation.
(function () {
  "use strict";
  const root = document.querySelector(".manage");
  const id = root.dataset.booking;
  const slug = root.dataset.business;
  const token = new URLSearchParams(location.search).get("token") || "";
  const german = (navigator.language || "en").startsWith("de");
  const t = german
    ? { title: "Ihr Termin", service: "Leistung", staff: "Bei", when: "Wann", ref: "Buchungsnummer", status: "Status",
        move: "Termin verschieben", day: "Tag", cancel: "Termin absagen", sure: "Diesen Termin wirklich absagen?",
        cancelled: "Der Termin wurde abgesagt.", moved: "Der Termin wurde verschoben.", none: "An diesem Tag ist nichts frei.",
        gone: "Diese Buchung wurde nicht gefunden, oder der Link ist ungültig." }
    : { title: "Your appointment", service: "Service", staff: "With", when: "When", ref: "Reference", status: "Status",
        move: "Change the time", day: "Day", cancel: "Cancel this appointment", sure: "Really cancel this appointment?",
        cancelled: "Your appointment is cancelled.", moved: "Your appointment has been moved.", none: "No free times that day.",
        gone: "This booking was not found, or the link is not valid." };
  document.documentElement.lang = german ? "de" : "en";
  document.getElementById("title").textContent = t.title;
  document.getElementById("move-title").textContent = t.move;
  document.getElementById("move-date-label").textContent = t.day;
  document.getElementById("cancel").textContent = t.cancel;
  const message = document.getElementById("message");
  const headers = { "content-type": "application/json", "x-manage-token": token };
  let booking = null;

  function when(iso, zone) {
    return new Date(iso).toLocaleString(german ? "de-DE" : "en-GB", {
      weekday: "long", day: "numeric", month: "long", hour: "2-digit", minute: "2-digit", timeZone: zone,
    });
  }

  function render() {
    const details = document.getElementById("details");
    details.textContent = "";
    const list = document.createElement("dl");
    const rows = [[t.service, booking.service_name], [t.staff, booking.staff_name],
      [t.when, when(booking.start, booking.time_zone) + " (" + booking.time_zone + ")"], [t.ref, booking.reference],
      [t.status, booking.status]];
    for (const [label, value] of rows) {
      const dt = document.createElement("dt"); dt.textContent = label;
      const dd = document.createElement("dd"); dd.textContent = value;
      if (label === t.status && value === "cancelled") dd.className = "status-cancelled";
      list.append(dt, dd);
    }
    details.appendChild(list);
    document.getElementById("actions").hidden = !(booking.status === "confirmed");
    document.getElementById("move-date").value = booking.start.slice(0, 10);
  }

  async function load() {
    const response = await fetch("/api/v1/bookings/" + encodeURIComponent(id), { headers });
    if (!response.ok) { document.getElementById("details").textContent = t.gone; return; }
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
    if (!data.slots.length) { box.textContent = t.none; return; }
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
    if (!confirm(t.sure)) return;
    const response = await fetch("/api/v1/bookings/" + encodeURIComponent(id) + "/cancel", { method: "POST", headers });
    const data = await response.json();
    if (!response.ok) { message.textContent = data.error ? data.error.message : response.statusText; return; }
    booking = data;
    render();
    message.textContent = t.cancelled;
  });
  load();
})();
