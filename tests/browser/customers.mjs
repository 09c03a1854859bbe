// The owner's customers page in headless Chromium: a search by phone number in another format
// finds two unlinked bookings; the owner makes a customer of them, downloads the export, and
// erases the customer after a confirmation that says what will go; the bookings stay as
// anonymous time blocks. The staff role sees no data. Run by tests/browser.rs with the server's
// address and test data as one JSON argument.
import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const cfg = JSON.parse(process.argv[2]);
const base = cfg.baseUrl;
mkdirSync(cfg.artifacts, { recursive: true });

const browser = await chromium.launch({
  executablePath: cfg.chromium,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB', acceptDownloads: true });
context.setDefaultTimeout(10_000);
const pageErrors = [];
const page = await context.newPage();
page.on('pageerror', (e) => pageErrors.push(String(e)));
page.on('console', (m) => {
  if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) pageErrors.push(m.text());
});
const shot = (name, target = page) => target.screenshot({ path: join(cfg.artifacts, `${name}.png`), fullPage: true });
const step = (text) => console.log(`- ${text}`);
const announced = (text) => page.locator('#announcer', { hasText: text }).waitFor();

async function apiCall(method, path) {
  const response = await fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${cfg.apiKey}` } });
  return { status: response.status, body: await response.json() };
}

async function logIn(who) {
  await page.goto(`${base}/staff/customers`);
  await page.waitForURL(/\/staff\/login/);
  await page.getByLabel('Email address').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(`${base}/staff/customers`);
}

try {
  step('the staff role is told that only owners see customers');
  await logIn(cfg.staff);
  await page.locator('#owner-only').waitFor();
  assert.equal(await page.locator('#search-form').isVisible(), false);
  await page.getByRole('button', { name: 'Log out' }).click();
  // Logging out ends in a navigation of its own; a goto before it lands is aborted.
  await page.waitForURL(/\/staff\/login/);

  step('the owner searches by phone in another format: two unlinked bookings');
  await logIn(cfg.owner);
  await page.waitForSelector('body[data-ready="yes"]');
  await page.getByLabel('Name, phone number or email address').fill('0049 170 9998877');
  await page.getByRole('button', { name: 'Search' }).click();
  await announced('0 customers and 2 unlinked bookings found');
  const boxes = page.locator('#unlinked-list input[type=checkbox]');
  assert.equal(await boxes.count(), 2);
  await shot('customers-search');

  step('a refused search names the problem');
  await page.getByLabel('Name, phone number or email address').fill('x');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.locator('#search-error', { hasText: 'at least two characters' }).waitFor();
  await page.getByLabel('Name, phone number or email address').fill('+49 170 999 88 77');
  await page.getByRole('button', { name: 'Search' }).click();
  await announced('0 customers and 2 unlinked bookings found');

  step('both ticked become one customer');
  await boxes.nth(0).check();
  await boxes.nth(1).check();
  await page.getByRole('button', { name: 'Make a customer of the ticked bookings' }).click();
  await page.locator('#customer-heading', { hasText: 'Rosa Rot' }).waitFor();
  assert.equal(await page.locator('#customer-bookings li').count(), 2);

  step('the export downloads as one JSON document');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Download everything stored (JSON)' }).click(),
  ]);
  const exported = JSON.parse(readFileSync(await download.path(), 'utf8'));
  assert.equal(exported.format, 'chairside.customer-export/1');
  assert.equal(exported.bookings.length, 2);
  assert.equal(exported.customer.name, 'Rosa Rot');

  step('erasing asks first and says what will go; keep changes nothing');
  await page.getByRole('button', { name: 'Erase this customer…' }).click();
  const dialog = page.locator('#erase-dialog');
  await dialog.waitFor();
  const said = await dialog.textContent();
  assert.match(said, /Rosa Rot's data/);
  assert.match(said, /2 booking\(s\), which stay in the calendar as anonymous time blocks/);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'erase-keep', 'the safe choice has the focus');
  await shot('customers-erase-dialog', dialog);
  await page.keyboard.press('Enter');
  await dialog.waitFor({ state: 'hidden' });
  assert.equal((await apiCall('GET', `/api/v1/bookings/${cfg.bookings[0]}`)).body.customer.name, 'Rosa Rot');

  step('yes erases: the record is empty, the bookings are anonymous but stay');
  await page.getByRole('button', { name: 'Erase this customer…' }).click();
  await dialog.getByRole('button', { name: 'Yes, erase' }).click();
  await announced('Erased: 2 bookings anonymised');
  await page.locator('#customer-heading', { hasText: 'Erased customer' }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Erase this customer…' }).isDisabled(), true);
  for (const id of cfg.bookings) {
    const booking = (await apiCall('GET', `/api/v1/bookings/${id}`)).body;
    assert.equal(booking.status, 'confirmed');
    assert.equal(booking.customer, null);
  }
  await shot('customers-erased');

  assert.deepEqual(pageErrors, [], 'no script errors on the pages');
  console.log('ALL BROWSER SCENARIOS PASSED');
} catch (error) {
  for (const [i, p] of context.pages().entries()) await shot(`customers-failure-${i}`, p).catch(() => {});
  console.error(error);
  if (pageErrors.length) console.error('page errors:', pageErrors);
  process.exitCode = 1;
} finally {
  await browser.close();
}
