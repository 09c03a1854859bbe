// Customers (owners): find a person by name, phone or email, link the bookings that are
// theirs, download everything stored about them, erase them after saying what will go.
// Everything shown comes from outside, so the DOM is built without innerHTML.
import { api, announce, el, inZone, loadSession, logOut, openDialog, showError, trackWaiting } from './common.js';

const $ = (id) => document.getElementById(id);
const state = { slug: '', timeZone: 'UTC', current: null };
const base = () => `/api/v1/businesses/${state.slug}/customers`;

async function start() {
  const session = await loadSession();
  state.slug = session.business.slug;
  state.timeZone = session.business.time_zone;
  $('business-name').textContent = session.business.name;
  $('user-name').textContent = session.user.name;
  $('logout-button').addEventListener('click', logOut);
  trackWaiting(state.slug);
  if (session.user.role !== 'owner') {
    $('owner-only').hidden = false;
    return;
  }
  $('search-form').hidden = false;
  $('search-form').addEventListener('submit', (event) => { event.preventDefault(); search(); });
  $('new-customer').addEventListener('click', makeCustomer);
  $('link-ticked').addEventListener('click', linkTicked);
  $('erase').addEventListener('click', confirmErase);
  $('erase-keep').addEventListener('click', () => $('erase-dialog').close());
  $('erase-confirm').addEventListener('click', erase);
  // The day view's "possibly the same customer" links here with the booking's contact.
  const asked = new URLSearchParams(window.location.search).get('q');
  if (asked) {
    $('search-q').value = asked;
    await search();
  }
  document.body.dataset.ready = 'yes';
}

function when(booking) {
  return inZone(booking.start, state.timeZone);
}

function contactLine(contact) {
  if (!contact) return 'anonymous (erased)';
  return [contact.name, contact.phone, contact.email].filter(Boolean).join(' · ');
}

async function search() {
  const q = $('search-q').value.trim();
  $('search-error').hidden = true;
  try {
    const found = await api('GET', `${base()}?q=${encodeURIComponent(q)}`);
    showResults(found);
  } catch (error) {
    showError($('search-error'), error, $('search-form'));
  }
}

function showResults(found) {
  $('results').hidden = false;
  $('customer-list').replaceChildren(...(found.customers.length ? found.customers.map((c) => el('li', {},
    el('button', { type: 'button', class: 'link-button', dataset: { id: c.id }, onclick: () => openCustomer(c.id) }, c.name || '(no name)'),
    ` ${[c.phone, c.email].filter(Boolean).join(' · ')} · ${c.visits} visit${c.visits === 1 ? '' : 's'}`,
  )) : [el('li', { class: 'muted' }, 'No customer record matches.')]));
  $('unlinked-list').replaceChildren(...(found.unlinked_bookings.length ? found.unlinked_bookings.map((b) => el('li', {},
    el('label', {}, el('input', { type: 'checkbox', name: 'booking', value: b.id }),
      ` ${b.reference} · ${when(b)} · ${b.service_name} · ${contactLine(b.customer)}`),
  )) : [el('li', { class: 'muted' }, 'No unlinked booking carries this contact.')]));
  announce(`${found.customers.length} customers and ${found.unlinked_bookings.length} unlinked bookings found`);
}

function tickedBookings() {
  return [...document.querySelectorAll('#unlinked-list input[name=booking]:checked')].map((i) => i.value);
}

async function makeCustomer() {
  const ids = tickedBookings();
  try {
    const made = await api('POST', base(), { booking_ids: ids });
    announce('Customer made from the ticked bookings');
    await search();
    await openCustomer(made.customer_id);
  } catch (error) {
    showError($('link-error'), error);
  }
}

async function linkTicked() {
  const ids = tickedBookings();
  try {
    const linked = await api('POST', `${base()}/${state.current.customer.id}/bookings`, { booking_ids: ids });
    announce(`${linked.linked} bookings linked`);
    await search();
    await openCustomer(state.current.customer.id);
  } catch (error) {
    showError($('customer-error'), error);
  }
}

async function openCustomer(id) {
  const detail = await api('GET', `${base()}/${encodeURIComponent(id)}`);
  state.current = detail;
  const c = detail.customer;
  $('customer').hidden = false;
  $('customer-error').hidden = true;
  $('customer-heading').textContent = c.erased_at ? 'Erased customer' : c.name || '(no name)';
  const rows = [['Phone', c.phone], ['Email', c.email], ['Visits', String(c.visits)],
    ['Proven by', c.identities.map((i) => `${i.kind} ${i.value}`).join(', ') || 'nothing (linked by staff)'],
    ['Erased', c.erased_at]];
  $('customer-details').replaceChildren(...rows.filter(([, v]) => v).flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]));
  $('customer-bookings').replaceChildren(...detail.bookings.map((b) => el('li', {},
    `${b.reference} · ${when(b)} · ${b.service_name} with ${b.staff_name} · ${b.status} · ${contactLine(b.customer)}`)));
  $('export-link').href = `${base()}/${encodeURIComponent(c.id)}/export`;
  $('erase').disabled = Boolean(c.erased_at);
  $('customer-heading').focus();
}

function confirmErase() {
  const p = state.current.erasure_preview;
  const name = state.current.customer.name || 'this customer';
  $('erase-error').hidden = true;
  $('erase-text').replaceChildren(
    el('p', {}, `This removes ${name}'s data for good:`),
    el('ul', {},
      el('li', {}, 'their name, phone number and email address, and how they proved who they are'),
      el('li', {}, `${p.conversations} chat conversation(s) with ${p.messages} message(s)`),
      el('li', {}, `the contact, notes and answers of ${p.bookings} booking(s), which stay in the calendar as anonymous time blocks`),
      el('li', {}, `${p.pending_messages} reminder(s) or message(s) not yet sent, which are cancelled`),
      el('li', {}, 'copies of emails to them kept as files on the server')),
    el('p', {}, 'Download the export first if they asked for a copy. This cannot be undone.'));
  openDialog($('erase-dialog'), $('erase-keep'));
}

async function erase() {
  try {
    const done = await api('DELETE', `${base()}/${state.current.customer.id}`);
    $('erase-dialog').close();
    announce(`Erased: ${done.bookings_anonymised} bookings anonymised, ${done.messages_deleted} messages deleted`);
    await openCustomer(done.customer_id);
  } catch (error) {
    showError($('erase-error'), error);
  }
}

start().catch((error) => {
  // Without a session the page is already on its way to the login page.
  if (error && error.status === 401) return;
  showError($('owner-only'), error);
});
