// The staff page as people use it, in headless Chromium: logging in, the day at a glance, a
// booking arriving live, marking and moving bookings with mouse and keyboard, walk-ins,
// settings with bad input, a staff login's limits, timing of a busy day, phone and print.
// Run by tests/browser.rs with the server's address and test data as one JSON argument.
import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const cfg = JSON.parse(process.argv[2]);
const base = cfg.baseUrl;
mkdirSync(cfg.artifacts, { recursive: true });

const profile = mkdtempSync(join(tmpdir(), 'chairside-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: cfg.chromium,
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  viewport: { width: 1400, height: 1000 },
  timezoneId: 'America/New_York', // not the business's zone: the page must use the business's
  locale: 'en-GB',
});
context.setDefaultTimeout(10_000);
const page = context.pages()[0] || await context.newPage();
const pageErrors = [];
page.on('pageerror', (e) => pageErrors.push(String(e)));
page.on('console', (m) => {
  // Refused requests the scenarios provoke show up as resource errors; script errors do not.
  if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) pageErrors.push(m.text());
});

const shot = (name, target = page) => target.screenshot({ path: join(cfg.artifacts, `${name}.png`), fullPage: true });
const step = (text) => console.log(`- ${text}`);

async function apiCall(method, path, body, key = cfg.apiKey) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

const block = (name) => page.locator('.schedule .booking', { hasText: name });
const dialog = page.locator('#booking-dialog');

async function logIn(who) {
  await page.goto(`${base}/staff`);
  await page.waitForURL(/\/staff\/login/);
  await page.getByLabel('Email address').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(`${base}/staff`);
  await page.waitForSelector(`body[data-rendered-date="${cfg.today}"]`);
}

async function dayRendered(date) {
  await page.waitForSelector(`body[data-rendered-date="${date}"]`);
}

async function freeSlots(date) {
  const query = `service_id=${cfg.serviceId}&staff_id=${cfg.samId}&from=${date}&to=${date}`;
  const { status, body } = await apiCall('GET', `/api/v1/businesses/${cfg.slug}/availability?${query}`, undefined, null);
  assert.equal(status, 200);
  return body.slots.map((s) => s.start.slice(11, 16));
}

try {
  step('a wrong password is refused with a clear message');
  await page.goto(`${base}/staff`);
  await page.waitForURL(/\/staff\/login/);
  await page.getByLabel('Email address').fill(cfg.owner.email);
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.locator('#login-error').filter({ hasText: 'wrong' }).waitFor();
  assert.equal(await page.getByLabel('Password').getAttribute('aria-invalid'), 'true');
  await shot('login-refused');

  step('the owner logs in and sees today at a glance');
  await logIn(cfg.owner);
  await page.waitForSelector('body[data-live="on"]');
  assert.equal(await page.locator('.schedule .staff-head').count(), cfg.staffCount);
  const anna = block('Anna Schmidt');
  await anna.waitFor();
  const annaText = await anna.innerText();
  for (const part of ['10:00–10:30', 'Haircut', '+491701234567', 'short on the sides', 'API']) {
    assert.ok(annaText.includes(part), `Anna's block shows ${part}: ${annaText}`);
  }
  assert.ok(await page.locator('.schedule .gap').count() > 0, 'free gaps are shown');
  assert.ok(await page.locator('#now-line').isVisible(), 'the current time is marked');
  assert.match(await page.locator('#day-summary').innerText(), /3 bookings.*next: 09:30 Chris Early/);
  assert.ok(await page.locator('#settings-link').isVisible(), 'owners see the settings link');
  await shot('day-desktop');

  step('a booking made through the API (standing in for chat) appears without a reload');
  await page.evaluate(() => { window.notReloaded = true; });
  const made = await apiCall('POST', `/api/v1/businesses/${cfg.slug}/bookings`, {
    service_id: cfg.serviceId, staff_id: cfg.samId, start: `${cfg.today}T12:00`,
    customer: { name: 'Cleo Chat', phone: '+49 170 5550000' },
  }, null);
  assert.equal(made.status, 201, JSON.stringify(made.body));
  await block('Cleo Chat').waitFor({ timeout: 10_000 });
  assert.equal(await page.evaluate(() => window.notReloaded), true, 'the page did not reload');
  await page.locator('#announcer', { hasText: 'New booking: 12:00 Cleo Chat' }).waitFor();
  await shot('day-live-booking');

  step('a no-show is marked from the booking dialog');
  await anna.click();
  await dialog.waitFor();
  assert.ok(await dialog.locator('#booking-details').innerText().then((t) => t.includes('+491701234567')));
  await dialog.getByRole('button', { name: 'No-show' }).click();
  await page.locator('.schedule .booking.status-no_show', { hasText: 'Anna Schmidt' }).waitFor();
  assert.equal(await dialog.isVisible(), false);
  const annaNow = await apiCall('GET', `/api/v1/bookings/${cfg.annaId}`);
  assert.equal(annaNow.body.status, 'no_show');

  step('with the keyboard: open a booking, close it with Escape, focus returns; mark arrived');
  await block('Ben Walker').focus();
  await page.keyboard.press('Enter');
  await dialog.waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.closest('dialog')?.id), 'booking-dialog');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
  assert.equal(await page.evaluate(() => document.activeElement.dataset.id), cfg.benId);
  await page.keyboard.press('Enter');
  await dialog.waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Arrived');
  await page.keyboard.press('Enter');
  await page.locator('.schedule .booking.arrived', { hasText: 'Ben Walker' }).waitFor();

  step('a walk-in is added, a booking moved and another cancelled');
  await page.getByRole('button', { name: '+ Walk-in' }).click();
  const walkIn = page.locator('#walk-in-dialog');
  await walkIn.waitFor();
  await walkIn.getByLabel('With').selectOption({ label: 'Sam' });
  await walkIn.getByLabel('Time').fill('15:00');
  await walkIn.getByLabel('Customer name').fill('Dana Desk');
  await walkIn.getByRole('button', { name: 'Add booking' }).click();
  await block('Dana Desk').waitFor();
  assert.ok((await block('Dana Desk').innerText()).includes('Desk'));
  // A walk-in on a taken time is refused with the server's message, at the time field.
  await page.getByRole('button', { name: '+ Walk-in' }).click();
  await walkIn.getByLabel('With').selectOption({ label: 'Sam' });
  await walkIn.getByLabel('Time').fill('15:00');
  await walkIn.getByRole('button', { name: 'Add booking' }).click();
  await walkIn.locator('#walk-in-error', { hasText: 'no longer available' }).waitFor();
  assert.equal(await walkIn.getByLabel('Time').getAttribute('aria-invalid'), 'true');
  await shot('walk-in-refused');
  await page.keyboard.press('Escape');

  await block('Cleo Chat').click();
  await dialog.getByRole('button', { name: 'Move…' }).click();
  await dialog.getByLabel('Time').fill('16:00');
  await dialog.getByRole('button', { name: 'Move booking' }).click();
  await page.locator('.schedule .booking', { hasText: '16:00–16:30' }).filter({ hasText: 'Cleo Chat' }).waitFor();

  await block('Dana Desk').click();
  await dialog.getByRole('button', { name: 'Cancel booking…' }).click();
  await dialog.getByRole('button', { name: 'Yes, cancel it' }).click();
  await block('Dana Desk').waitFor({ state: 'detached' });

  step('settings: new hours change availability; overlapping hours are refused by name');
  const before = await freeSlots('2027-03-02');
  assert.ok(before.includes('08:00') && before.includes('19:30'), before.join(' '));
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.waitForSelector('body[data-ready="yes"]');
  const samCard = page.locator('details.staff-card', { has: page.locator('summary', { hasText: /^Sam works/ }) });
  await samCard.locator('summary').click();
  await samCard.getByLabel('Tuesday').fill('10:00-12:00');
  await samCard.getByRole('button', { name: 'Save hours of Sam' }).click();
  await page.locator('#announcer', { hasText: 'Hours of Sam saved' }).waitFor();
  const after = await freeSlots('2027-03-02');
  assert.deepEqual(after, ['10:00', '10:15', '10:30', '10:45', '11:00', '11:15', '11:30']);

  await samCard.getByLabel('Monday').fill('09:00-12:00, 11:00-13:00');
  await samCard.getByRole('button', { name: 'Save hours of Sam' }).click();
  const hoursError = samCard.locator('.hours-form .error');
  await hoursError.filter({ hasText: 'Monday' }).waitFor();
  assert.match(await hoursError.innerText(), /overlap/);
  assert.equal(await samCard.getByLabel('Monday').getAttribute('aria-invalid'), 'true');
  await samCard.screenshot({ path: join(cfg.artifacts, 'settings-overlapping-hours.png') });
  const samHours = await apiCall('GET', `/api/v1/businesses/${cfg.slug}/staff/${cfg.samId}/hours`);
  assert.deepEqual(samHours.body.mon, [['08:00', '20:00']], 'nothing changed');

  step('settings: a closure over bookings lists them and changes nothing until confirmed');
  const closure = page.locator('#closure-form');
  await closure.getByLabel('From').fill(cfg.today);
  await closure.getByLabel('Reason').fill('Burst pipe');
  await closure.getByRole('button', { name: 'Add', exact: true }).click();
  const conflict = page.locator('#closure-conflict');
  await conflict.waitFor();
  const listed = await conflict.innerText();
  const benBooking = await apiCall('GET', `/api/v1/bookings/${cfg.benId}`);
  assert.ok(listed.includes(benBooking.body.reference), listed);
  await page.locator('#closures').screenshot({ path: join(cfg.artifacts, 'settings-closure-conflict.png') });
  assert.deepEqual((await apiCall('GET', `/api/v1/businesses/${cfg.slug}/closures`)).body, []);
  await conflict.getByRole('button', { name: 'Do not add it' }).click();
  assert.deepEqual((await apiCall('GET', `/api/v1/businesses/${cfg.slug}/closures`)).body, []);
  await closure.getByRole('button', { name: 'Add', exact: true }).click();
  await conflict.getByRole('button', { name: 'Keep the bookings and add it' }).click();
  await page.locator('#closure-list', { hasText: 'Burst pipe' }).waitFor();
  assert.equal((await apiCall('GET', `/api/v1/bookings/${cfg.benId}`)).body.status, 'confirmed');
  await shot('settings');
  // Open again for the rest of the scenarios.
  const [added] = (await apiCall('GET', `/api/v1/businesses/${cfg.slug}/closures`)).body;
  assert.equal((await apiCall('DELETE', `/api/v1/businesses/${cfg.slug}/closures/${added.id}`)).status, 204);

  step('a staff login works the day but cannot open settings');
  await page.goto(`${base}/staff`);
  await page.getByRole('button', { name: 'Log out' }).click();
  await page.waitForURL(/\/staff\/login/);
  await logIn(cfg.staff);
  assert.equal(await page.locator('#settings-link').isVisible(), false);
  await page.goto(`${base}/staff/settings`);
  await page.locator('#owner-only').waitFor();
  await page.goto(`${base}/staff`);
  await dayRendered(cfg.today);

  step('timing: 10 staff and 150 bookings');
  const timings = [];
  for (let round = 0; round < 5; round += 1) {
    await page.locator('#date-picker').fill(cfg.today);
    await dayRendered(cfg.today);
    const started = Date.now();
    await page.locator('#date-picker').fill(cfg.busyDay);
    await dayRendered(cfg.busyDay);
    const total = Date.now() - started;
    const inPage = await page.evaluate(() => window.chairside.lastRender);
    assert.equal(inPage.bookings, 150);
    timings.push({ total, fetch: inPage.fetchMs, render: inPage.renderMs });
  }
  assert.equal(await page.locator('.schedule .booking').count(), 150);
  const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const totalMedian = median(timings.map((t) => t.total));
  console.log(`TIMING day view, 10 staff and 150 bookings: ${totalMedian} ms from choosing the date to the drawn day `
    + `(median of 5; fetch ${median(timings.map((t) => t.fetch)).toFixed(1)} ms, `
    + `drawing ${median(timings.map((t) => t.render)).toFixed(1)} ms in the page)`);
  assert.ok(totalMedian < 3000, `the busy day took ${totalMedian} ms`);
  await shot('day-busy');

  step('on a phone: a list per staff member');
  const phone = await context.newPage();
  await phone.setViewportSize({ width: 390, height: 844 });
  await phone.goto(`${base}/staff?date=${cfg.today}`);
  await phone.waitForSelector(`body[data-rendered-date="${cfg.today}"]`);
  assert.equal(await phone.locator('.schedule').isVisible(), false);
  await phone.locator('.agenda .booking', { hasText: 'Ben Walker' }).waitFor();
  await phone.locator('.agenda .booking', { hasText: 'Ben Walker' }).click();
  await phone.locator('#booking-dialog').waitFor();
  await phone.keyboard.press('Escape');
  await shot('day-phone', phone);

  step('on paper: the list, without buttons');
  await phone.setViewportSize({ width: 1000, height: 1400 });
  await phone.emulateMedia({ media: 'print' });
  assert.equal(await phone.locator('.agenda').isVisible(), true);
  assert.equal(await phone.locator('#walk-in-button').isVisible(), false);
  await shot('day-print', phone);
  await phone.pdf({ path: join(cfg.artifacts, 'day-print.pdf') });
  await phone.close();

  assert.deepEqual(pageErrors, [], 'no script errors on the pages');
  console.log('ALL BROWSER SCENARIOS PASSED');
} catch (error) {
  await shot('failure').catch(() => {});
  console.error(error);
  if (pageErrors.length) console.error('page errors:', pageErrors);
  process.exitCode = 1;
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
