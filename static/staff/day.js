// The day view: a column per staff member over the day's working hours, each booking a block,
// free gaps and the current time visible; a list per staff member on phones and on paper.
// Everything comes from GET …/schedule?date=; a server-sent event stream says when bookings
// change (made by chat, another device or another server), and the day is fetched again.
import {
  api, announce, addDays, clock, el, loadSession, logOut, longDate, minutesOf, openDialog,
  showError, clearErrors, inZone, onLive, showLiveState, trackWaiting,
} from './common.js';

const PX_PER_MINUTE = 1.6;
const SHORTEST_GAP_MINUTES = 15;
const STATUS_LABELS = {
  held: 'Being booked', confirmed: 'Confirmed', completed: 'Completed', no_show: 'No-show',
  cancelled: 'Cancelled', expired: 'Expired',
};
const CHANNEL_LABELS = {
  api: 'API', web: 'Web', staff: 'Desk', messenger: 'Chat · Messenger', whatsapp: 'Chat · WhatsApp',
  telegram: 'Chat · Telegram', sms: 'Chat · SMS',
};

const state = {
  session: null,
  slug: '',
  date: '',
  schedule: null,
  services: [],
  bookings: new Map(),
  selected: null,
  serverMinutesAtLoad: 0,
  loadedAt: 0,
  requestSerial: 0,
};
window.chairside = { renders: [] };

const $ = (id) => document.getElementById(id);

async function start() {
  const session = await loadSession();
  state.session = session;
  state.slug = session.business.slug;
  state.serverMinutesAtLoad = minutesOf(session.now);
  state.loadedAt = Date.now();
  $('business-name').textContent = session.business.name;
  $('user-name').textContent = session.user.name;
  $('settings-link').hidden = session.user.role !== 'owner';
  $('customers-link').hidden = session.user.role !== 'owner';
  const fromUrl = new URLSearchParams(location.search).get('date');
  state.date = /^\d{4}-\d{2}-\d{2}$/.test(fromUrl || '') ? fromUrl : session.today;
  bindControls();
  state.services = await api('GET', `/api/v1/businesses/${state.slug}/services`);
  await showDay(state.date);
  startLiveUpdates();
  setInterval(placeNowLine, 30_000);
}

function bindControls() {
  $('prev-day').addEventListener('click', () => goTo(addDays(state.date, -1)));
  $('next-day').addEventListener('click', () => goTo(addDays(state.date, 1)));
  $('today-button').addEventListener('click', () => goTo(state.session.today));
  $('date-picker').addEventListener('change', (e) => { if (e.target.value) goTo(e.target.value); });
  $('logout-button').addEventListener('click', logOut);
  $('walk-in-button').addEventListener('click', () => openWalkIn({}));
  document.addEventListener('keydown', (event) => {
    const typing = event.target.closest('input, select, textarea, dialog');
    if (typing || event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.key === 'ArrowLeft') goTo(addDays(state.date, -1));
    else if (event.key === 'ArrowRight') goTo(addDays(state.date, 1));
    else if (event.key === 't') goTo(state.session.today);
    else if (event.key === 'n') openWalkIn({});
    else return;
    event.preventDefault();
  });
  bindBookingDialog();
  bindWalkInDialog();
}

function goTo(date) {
  state.date = date;
  const url = new URL(location.href);
  url.searchParams.set('date', date);
  history.replaceState(null, '', url);
  return showDay(date);
}

async function showDay(date, highlight = []) {
  const serial = ++state.requestSerial;
  const started = performance.now();
  let schedule;
  try {
    schedule = await api('GET', `/api/v1/businesses/${state.slug}/schedule?date=${date}`);
  } catch (error) {
    showError($('load-error'), error);
    return;
  }
  if (serial !== state.requestSerial) return; // a later day was asked for meanwhile
  const fetched = performance.now();
  $('load-error').hidden = true;
  state.schedule = schedule;
  render(schedule, new Set(highlight));
  const rendered = performance.now();
  const record = {
    date, bookings: state.bookings.size, fetchMs: fetched - started, renderMs: rendered - fetched,
  };
  window.chairside.renders.push(record);
  window.chairside.lastRender = record;
  document.body.dataset.renderedDate = date;
}

// ---- rendering -------------------------------------------------------------------------

/** Free stretches of a staff member's working windows between their bookings. */
function freeGaps(staff) {
  const taken = staff.bookings
    .map((b) => [minutesOf(b.start), endMinutes(b)])
    .sort((a, b) => a[0] - b[0]);
  const gaps = [];
  for (const window of staff.hours) {
    let cursor = minutesOf(window.start);
    const end = endMinutes(window);
    for (const [from, until] of taken) {
      if (until <= cursor || from >= end) continue;
      if (from - cursor >= SHORTEST_GAP_MINUTES) gaps.push([cursor, from]);
      cursor = Math.max(cursor, until);
    }
    if (end - cursor >= SHORTEST_GAP_MINUTES) gaps.push([cursor, end]);
  }
  return gaps;
}

/** End in minutes after midnight; an end on the next day counts as 24:00. */
function endMinutes(span) {
  const end = minutesOf(span.end);
  return span.end.slice(0, 10) > span.start.slice(0, 10) ? 24 * 60 : end;
}

function dayRange(schedule) {
  let first = Infinity;
  let last = -Infinity;
  for (const staff of schedule.staff) {
    for (const span of [...staff.hours, ...staff.bookings]) {
      first = Math.min(first, minutesOf(span.start));
      last = Math.max(last, endMinutes(span));
    }
  }
  if (!Number.isFinite(first)) return [9 * 60, 18 * 60];
  return [Math.floor(first / 60) * 60, Math.min(24 * 60, Math.ceil(last / 60) * 60)];
}

function isToday() {
  return state.date === state.session.today;
}

function nowMinutes() {
  return state.serverMinutesAtLoad + (Date.now() - state.loadedAt) / 60_000;
}

function customerName(booking) {
  return booking.customer ? booking.customer.name : 'Walk-in';
}

function statusLabel(booking) {
  if (booking.status === 'confirmed' && booking.arrived_at) return 'Arrived';
  return STATUS_LABELS[booking.status] || booking.status;
}

function channelLabel(booking) {
  return CHANNEL_LABELS[booking.channel] || booking.channel;
}

function bookingSummary(booking) {
  const time = `${clock(minutesOf(booking.start))} to ${clock(endMinutes(booking))}`;
  return `${time}, ${customerName(booking)}, ${booking.service_name}, with ${booking.staff_name}, `
    + `${statusLabel(booking)}, ${channelLabel(booking)}`;
}

function bookingClasses(booking, highlight) {
  return [
    'booking', `status-${booking.status}`,
    booking.arrived_at && booking.status === 'confirmed' ? 'arrived' : '',
    booking.channel === 'staff' ? '' : `channel-remote channel-${booking.channel}`,
    highlight.has(booking.id) ? 'just-changed' : '',
  ].filter(Boolean).join(' ');
}

function bookingBlock(booking, highlight, [dayStart], compact) {
  const start = minutesOf(booking.start);
  const end = endMinutes(booking);
  const customer = booking.customer || {};
  const block = el('button', {
    type: 'button', class: bookingClasses(booking, highlight), dataset: { id: booking.id },
    'aria-label': bookingSummary(booking), title: bookingSummary(booking),
    onclick: () => openBooking(booking.id),
  },
  el('span', { class: 'time' }, `${clock(start)}–${clock(end)}`),
  el('span', { class: 'who' }, customerName(booking)),
  el('span', { class: 'what' }, booking.service_name),
  customer.phone ? el('span', { class: 'phone' }, customer.phone) : null,
  booking.notes ? el('span', { class: 'notes' }, booking.notes) : null,
  el('span', { class: 'badges' },
    el('span', { class: 'badge channel' }, channelLabel(booking)),
    booking.status === 'confirmed' && !booking.arrived_at ? null
      : el('span', { class: 'badge state' }, statusLabel(booking))));
  if (!compact) {
    block.style.top = `${(start - dayStart) * PX_PER_MINUTE}px`;
    block.style.height = `${Math.max(18, (end - start) * PX_PER_MINUTE - 2)}px`;
  }
  return block;
}

function gapButton(staff, [from, until], [dayStart], compact) {
  const past = isToday() && until <= nowMinutes();
  const label = `Free ${clock(from)}–${clock(until)}`;
  const gap = el('button', {
    type: 'button', class: past ? 'gap past' : 'gap',
    'aria-label': `${label} (${until - from} minutes) with ${staff.name}; add a walk-in`,
    title: `${until - from} minutes free; add a walk-in`,
    onclick: () => openWalkIn({ staffId: staff.id, time: clock(from) }),
  }, el('span', {}, label));
  if (!compact) {
    gap.style.top = `${(from - dayStart) * PX_PER_MINUTE}px`;
    gap.style.height = `${(until - from) * PX_PER_MINUTE - 2}px`;
  }
  return gap;
}

function hoursText(staff) {
  return staff.hours.length
    ? staff.hours.map((h) => `${clock(minutesOf(h.start))}–${clock(endMinutes(h))}`).join(', ')
    : 'Not working';
}

function render(schedule, highlight) {
  // A live update replaces every block: a keyboard user keeps their place on the same booking.
  const focused = document.activeElement;
  const keep = ['schedule', 'agenda'].find((id) => $(id).contains(focused));
  const keptId = keep ? focused.dataset.id : undefined;
  state.bookings = new Map();
  for (const staff of schedule.staff) {
    for (const booking of staff.bookings) state.bookings.set(booking.id, booking);
  }
  const range = dayRange(schedule);
  const [dayStart, dayEnd] = range;
  const height = (dayEnd - dayStart) * PX_PER_MINUTE;

  document.title = `${longDate(schedule.date)} · Chairside`;
  $('schedule-heading').textContent = isToday() ? `Today, ${longDate(schedule.date)}` : longDate(schedule.date);
  $('date-picker').value = schedule.date;
  $('day-summary').textContent = summary(schedule);

  const head = el('div', { class: 'grid-head' }, el('div', { class: 'axis-spacer' }));
  const body = el('div', { class: 'grid-body' });
  body.style.height = `${height}px`;
  const axis = el('div', { class: 'axis', 'aria-hidden': 'true' });
  for (let m = dayStart; m < dayEnd; m += 60) {
    const label = el('span', { class: 'hour' }, clock(m));
    label.style.top = `${(m - dayStart) * PX_PER_MINUTE}px`;
    axis.append(label);
  }
  body.append(axis);
  const agenda = [];
  for (const staff of schedule.staff) {
    head.append(el('div', { class: 'staff-head', role: 'heading', 'aria-level': '2' },
      el('span', { class: 'name' }, staff.name), el('span', { class: 'hours' }, hoursText(staff))));
    const column = el('div', { class: 'column', role: 'group', 'aria-label': `${staff.name}: ${hoursText(staff)}` });
    column.style.setProperty('--hour', `${60 * PX_PER_MINUTE}px`);
    column.style.backgroundPositionY = `${-(dayStart % 60) * PX_PER_MINUTE}px`;
    for (const window of staff.hours) {
      const open = el('div', { class: 'open', 'aria-hidden': 'true' });
      open.style.top = `${(minutesOf(window.start) - dayStart) * PX_PER_MINUTE}px`;
      open.style.height = `${(endMinutes(window) - minutesOf(window.start)) * PX_PER_MINUTE}px`;
      column.append(open);
    }
    const gaps = freeGaps(staff);
    const items = [
      ...staff.bookings.map((b) => [minutesOf(b.start), () => bookingBlock(b, highlight, range, false), () => bookingBlock(b, highlight, range, true)]),
      ...gaps.map((g) => [g[0], () => gapButton(staff, g, range, false), () => gapButton(staff, g, range, true)]),
    ].sort((a, b) => a[0] - b[0]);
    for (const [, grid] of items) column.append(grid());
    body.append(column);
    agenda.push(el('section', { class: 'agenda-staff' },
      el('h2', {}, staff.name, ' ', el('span', { class: 'hours' }, hoursText(staff))),
      staff.bookings.length ? null : el('p', { class: 'muted' }, 'No bookings.'),
      items.length ? el('ol', {}, items.map(([, , list]) => el('li', {}, list()))) : null));
  }
  const nowLine = el('div', { class: 'now-line', id: 'now-line', 'aria-hidden': 'true' }, el('span', {}, ''));
  body.append(nowLine);
  const grid = el('div', { class: 'grid' }, head, body);
  grid.style.setProperty('--columns', String(Math.max(1, schedule.staff.length)));
  $('schedule').replaceChildren(schedule.staff.length ? grid
    : el('p', { class: 'empty' }, 'Nobody is on the books yet. Owners add staff under Settings.'));
  $('agenda').replaceChildren(...agenda);
  if (keptId) $(keep).querySelector(`[data-id="${CSS.escape(keptId)}"]`)?.focus();
  state.range = range;
  placeNowLine();
}

function summary(schedule) {
  const all = schedule.staff.flatMap((s) => s.bookings);
  const live = all.filter((b) => b.status !== 'cancelled' && b.status !== 'expired');
  const freeMinutes = schedule.staff.flatMap(freeGaps).reduce((sum, [a, b]) => sum + b - a, 0);
  const parts = [`${live.length} booking${live.length === 1 ? '' : 's'}`,
    `${Math.floor(freeMinutes / 60)} h ${freeMinutes % 60} min free`];
  if (isToday()) {
    const now = nowMinutes();
    const next = live
      .filter((b) => b.status === 'confirmed' && !b.arrived_at && minutesOf(b.start) >= now - 15)
      .sort((a, b) => minutesOf(a.start) - minutesOf(b.start))[0];
    parts.push(next
      ? `next: ${clock(minutesOf(next.start))} ${customerName(next)} (${next.service_name} with ${next.staff_name})`
      : 'nobody else is due today');
  }
  return parts.join(' · ');
}

function placeNowLine() {
  const line = $('now-line');
  if (!line || !state.range) return;
  const [dayStart, dayEnd] = state.range;
  const now = nowMinutes();
  line.hidden = !isToday() || now < dayStart || now > dayEnd;
  line.style.top = `${(now - dayStart) * PX_PER_MINUTE}px`;
  line.firstChild.textContent = clock(now);
}

// ---- live updates ----------------------------------------------------------------------

function startLiveUpdates() {
  showLiveState($('live-indicator'));
  onLive('ready', () => showDay(state.date)); // anything written before the stream started
  onLive('bookings', ({ changed }) => onBookingsChanged(changed));
  trackWaiting(state.slug);
}

async function onBookingsChanged(changed) {
  const known = new Set(state.bookings.keys());
  await showDay(state.date, changed);
  for (const id of changed) {
    if (known.has(id)) continue;
    const booking = state.bookings.get(id) || await api('GET', `/api/v1/bookings/${id}`).catch(() => null);
    if (!booking || booking.created_at !== booking.updated_at) continue;
    const when = state.bookings.has(id) ? clock(minutesOf(booking.start)) : inZone(booking.start, booking.time_zone);
    announce(`New booking: ${when} ${customerName(booking)}, ${booking.service_name} with ${booking.staff_name} (${channelLabel(booking)})`);
  }
  if (state.selected && changed.includes(state.selected) && $('booking-dialog').open) {
    fillBookingDialog(state.bookings.get(state.selected));
  }
}

// ---- one booking -----------------------------------------------------------------------

function openBooking(id) {
  const booking = state.bookings.get(id);
  if (!booking) return;
  state.selected = id;
  fillBookingDialog(booking);
  const dialog = $('booking-dialog');
  openDialog(dialog, dialog.querySelector('#status-actions button:not([disabled])') || dialog.querySelector('.dialog-close button'));
}

function fillBookingDialog(booking) {
  if (!booking) return;
  const customer = booking.customer || {};
  $('booking-title').textContent = `${customerName(booking)} · ${booking.service_name}`;
  const rows = [
    ['Time', `${clock(minutesOf(booking.start))}–${clock(endMinutes(booking))}, ${longDate(booking.start.slice(0, 10))}`],
    ['With', booking.staff_name],
    ['Status', booking.arrived_at && booking.status !== 'no_show'
      ? `${statusLabel(booking)} (arrived ${inZone(booking.arrived_at, booking.time_zone)})` : statusLabel(booking)],
    ['Phone', customer.phone ? el('a', { href: `tel:${customer.phone}` }, customer.phone) : '—'],
    ['Email', customer.email ? el('a', { href: `mailto:${customer.email}` }, customer.email) : '—'],
    ['Notes', booking.notes || '—'],
    ['Booked via', channelLabel(booking)],
    ['Reference', booking.reference],
  ];
  // A typed contact that matches a known customer links nothing by itself: staff decide.
  if (booking.customer_hint) {
    rows.push(['Possibly', el('a', { href: `/staff/customers?q=${encodeURIComponent(customer.phone || customer.email || '')}` },
      booking.customer_hint.text)]);
  }
  $('booking-details').replaceChildren(...rows.flatMap(([term, value]) => [el('dt', {}, term), el('dd', {}, value)]));
  const status = booking.status;
  const marks = {
    arrived: (status === 'confirmed' && !booking.arrived_at) || status === 'no_show',
    completed: status === 'confirmed' || status === 'no_show',
    no_show: status === 'confirmed' || status === 'completed',
    confirmed: status === 'completed' || status === 'no_show' || Boolean(booking.arrived_at),
  };
  for (const button of $('status-actions').querySelectorAll('button')) {
    button.disabled = !marks[button.dataset.status];
  }
  const changeable = status === 'confirmed' || status === 'held';
  $('move-toggle').hidden = !changeable;
  $('cancel-toggle').hidden = !changeable;
  $('move-form').hidden = true;
  $('cancel-confirm').hidden = true;
  $('move-toggle').setAttribute('aria-expanded', 'false');
  $('cancel-toggle').setAttribute('aria-expanded', 'false');
  $('booking-error').hidden = true;
  $('cancel-question').textContent = `Cancel ${customerName(booking)}'s ${booking.service_name} at ${clock(minutesOf(booking.start))}?`;
}

function bindBookingDialog() {
  for (const button of $('status-actions').querySelectorAll('button')) {
    button.addEventListener('click', () => changeBooking(
      `/api/v1/bookings/${state.selected}/status`, { status: button.dataset.status },
      `Marked as ${button.textContent.toLowerCase()}`));
  }
  $('move-toggle').addEventListener('click', () => {
    const booking = state.bookings.get(state.selected);
    const form = $('move-form');
    form.hidden = !form.hidden;
    $('move-toggle').setAttribute('aria-expanded', String(!form.hidden));
    if (form.hidden) return;
    form.date.value = booking.start.slice(0, 10);
    form.start.value = booking.start.slice(11, 16);
    fillStaffOptions(form.staff_id, booking.service_id, false, booking.staff_id);
    clearErrors(form);
    form.start.focus();
  });
  $('move-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const form = event.target;
    changeBooking(`/api/v1/bookings/${state.selected}/reschedule`,
      { start: `${form.date.value}T${form.start.value}`, staff_id: form.staff_id.value },
      'Booking moved', form, $('move-error'));
  });
  $('cancel-toggle').addEventListener('click', () => {
    const confirm = $('cancel-confirm');
    confirm.hidden = false;
    $('cancel-toggle').setAttribute('aria-expanded', 'true');
    $('cancel-no').focus();
  });
  $('cancel-no').addEventListener('click', () => {
    $('cancel-confirm').hidden = true;
    $('cancel-toggle').setAttribute('aria-expanded', 'false');
    $('cancel-toggle').focus();
  });
  $('cancel-yes').addEventListener('click', () => changeBooking(
    `/api/v1/bookings/${state.selected}/cancel`, undefined, 'Booking cancelled'));
}

async function changeBooking(path, body, done, form, errorRegion = $('booking-error')) {
  const dialog = $('booking-dialog');
  const buttons = dialog.querySelectorAll('button');
  buttons.forEach((b) => b.setAttribute('aria-disabled', 'true'));
  try {
    await api('POST', path, body);
    dialog.close();
    await showDay(state.date);
    announce(done);
  } catch (error) {
    showError(errorRegion, error, form);
  } finally {
    buttons.forEach((b) => b.removeAttribute('aria-disabled'));
  }
}

/** Staff who perform a service; `anyone` adds the "whoever is free" choice. */
function fillStaffOptions(select, serviceId, anyone, selected) {
  const service = state.services.find((s) => s.id === serviceId);
  const names = new Map((state.schedule ? state.schedule.staff : []).map((s) => [s.id, s.name]));
  const options = anyone ? [el('option', { value: '' }, 'Whoever is free')] : [];
  for (const id of service ? service.staff_ids : []) {
    if (names.has(id)) options.push(el('option', { value: id, selected: id === selected }, names.get(id)));
  }
  select.replaceChildren(...options);
}

// ---- walk-ins --------------------------------------------------------------------------

function openWalkIn({ staffId = '', time = '' }) {
  const form = $('walk-in-form');
  form.reset();
  clearErrors(form);
  const active = state.services.filter((s) => s.active);
  form.service_id.replaceChildren(...active.map((s) => el('option', { value: s.id },
    `${s.name} (${s.duration_minutes} min)`)));
  const fitting = active.find((s) => !staffId || s.staff_ids.includes(staffId));
  if (fitting) form.service_id.value = fitting.id;
  fillStaffOptions(form.staff_id, form.service_id.value, true, staffId);
  form.date.value = state.date;
  form.start.value = time || (isToday() ? clock(Math.ceil(nowMinutes() / 5) * 5) : '');
  openDialog($('walk-in-dialog'), form.service_id);
}

function bindWalkInDialog() {
  const form = $('walk-in-form');
  form.service_id.addEventListener('change', () => fillStaffOptions(form.staff_id, form.service_id.value, true, form.staff_id.value));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    const name = form.elements['customer.name'].value.trim();
    const phone = form.elements['customer.phone'].value.trim();
    if (!form.date.value || !form.start.value) {
      showError($('walk-in-error'), { message: 'Choose a date and a time.', field: form.start.value ? 'date' : 'start' }, form);
      return;
    }
    const body = {
      service_id: form.service_id.value,
      staff_id: form.staff_id.value || undefined,
      start: `${form.date.value}T${form.start.value}`,
      customer: name || phone ? { name: name || 'Walk-in', phone: phone || undefined } : undefined,
      notes: form.notes.value.trim() || undefined,
    };
    try {
      const booking = await api('POST', `/api/v1/businesses/${state.slug}/walk-ins`, body);
      $('walk-in-dialog').close();
      if (booking.start.slice(0, 10) !== state.date) await goTo(booking.start.slice(0, 10));
      else await showDay(state.date, [booking.id]);
      announce(`Added ${customerName(booking)} at ${clock(minutesOf(booking.start))} with ${booking.staff_name}`);
    } catch (error) {
      showError($('walk-in-error'), error, form);
    }
  });
}

start().catch((error) => {
  if (error && error.status === 401) return; // on the way to the login page
  showError($('load-error'), error);
});
