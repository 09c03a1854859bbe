// The owner's settings page in headless Chromium: reminder offsets edited as rows of a number
// and a unit, with the keyboard, kept over a reload and refused with the server's message when
// out of range; the messaging channels (Telegram connected with its secrets, which never come
// back to the page, reconnected keeping them, disconnected after a confirmation; WhatsApp with
// its templates); desktop and phone screenshots. Run by tests/browser.rs with the server's
// address and test data as one JSON argument.
import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const cfg = JSON.parse(process.argv[2]);
const base = cfg.baseUrl;
const business = `/api/v1/businesses/${cfg.slug}`;
mkdirSync(cfg.artifacts, { recursive: true });

const browser = await chromium.launch({
  executablePath: cfg.chromium,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const context = await browser.newContext({
  viewport: { width: 1280, height: 900 },
  timezoneId: 'America/New_York', // not the business's zone
  locale: 'en-GB',
  permissions: ['clipboard-read', 'clipboard-write'],
});
context.setDefaultTimeout(10_000);
const pageErrors = [];
const page = await context.newPage();
page.on('pageerror', (e) => pageErrors.push(String(e)));
page.on('console', (m) => {
  // Refused requests the scenario provokes show up as resource errors; script errors do not.
  if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) pageErrors.push(m.text());
});

const shot = (name, target = page) => target.screenshot({ path: join(cfg.artifacts, `${name}.png`), fullPage: true });
const step = (text) => console.log(`- ${text}`);

async function apiCall(method, path, body) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${cfg.apiKey}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed = null;
  try { parsed = text ? JSON.parse(text) : null; } catch (e) { parsed = text; }
  return { status: response.status, body: parsed, text };
}

const announced = (text) => page.locator('#announcer', { hasText: text }).waitFor();

async function settingsReady() {
  await page.waitForSelector('body[data-ready="yes"]');
}

/** The reminder rows as shown: [[amount, unit], …]. */
async function reminderRows() {
  return page.locator('#reminder-rows .reminder-row').evaluateAll((rows) => rows.map((row) => [
    row.querySelector('input').value, row.querySelector('select').value]));
}

async function storedOffsets() {
  const { status, body } = await apiCall('GET', business);
  assert.equal(status, 200);
  return body.reminder_offsets_minutes;
}

/** Every value the page holds, in inputs as well as text: a secret must be in none of them. */
async function pageHolds(secret) {
  return page.evaluate((s) => document.documentElement.outerHTML.includes(s)
    || [...document.querySelectorAll('input, textarea')].some((i) => i.value.includes(s)), secret);
}

try {
  // ---- reminders -----------------------------------------------------------------------
  step('the owner logs in; the reminders show the default: a day and two hours before');
  await page.goto(`${base}/staff/settings`);
  await page.waitForURL(/\/staff\/login/);
  await page.getByLabel('Email address').fill(cfg.owner.email);
  await page.getByLabel('Password').fill(cfg.owner.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(`${base}/staff/settings`);
  await settingsReady();
  assert.equal(await page.locator('[data-slot] .placeholder-section, .placeholder-section').count(), 0, 'no placeholders left');
  const reminders = page.locator('#reminders');
  assert.deepEqual(await reminderRows(), [['1', 'days'], ['2', 'hours']]);
  assert.deepEqual(await storedOffsets(), [1440, 120]);

  step('with the keyboard: change a row, remove one, add two, save');
  await page.getByLabel('Reminder 1', { exact: true }).fill('3');
  await page.getByRole('button', { name: 'Remove reminder 2' }).focus();
  await page.keyboard.press('Enter');
  assert.equal(await reminders.locator('.reminder-row').count(), 1);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'add-reminder', 'focus stays in the list');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute('name')), 'reminder_offsets_minutes[1]',
    'the new row takes the focus');
  await page.keyboard.type('30');
  await page.keyboard.press('Tab');
  await page.keyboard.press('m'); // the unit select: "minutes"
  assert.equal(await page.getByLabel('Unit of reminder 2').inputValue(), 'minutes');
  await page.getByRole('button', { name: '+ Add a reminder' }).click();
  await page.getByLabel('Reminder 3', { exact: true }).fill('4');
  await page.getByLabel('Unit of reminder 3').selectOption('hours');
  await reminders.getByRole('button', { name: 'Save reminders' }).click();
  await announced('Reminders saved: 3 days, 4 hours and 30 minutes before');
  assert.deepEqual(await storedOffsets(), [4320, 240, 30], 'saved through the API, longest first');
  assert.deepEqual(await reminderRows(), [['3', 'days'], ['4', 'hours'], ['30', 'minutes']]);

  step('after a reload the new reminders are still there');
  await page.reload();
  await settingsReady();
  assert.deepEqual(await reminderRows(), [['3', 'days'], ['4', 'hours'], ['30', 'minutes']]);

  step('more than 7 days ahead is refused with the server\'s message at that row; nothing changes');
  await page.getByLabel('Reminder 1', { exact: true }).fill('8');
  await reminders.getByRole('button', { name: 'Save reminders' }).click();
  const reminderError = page.locator('#reminders-error');
  await reminderError.filter({ hasText: 'must be between 5 and 10080' }).waitFor();
  assert.match(await reminderError.innerText(), /^Reminder 1: must be between 5 and 10080, got 11520/);
  assert.equal(await reminderError.getAttribute('role'), 'alert');
  assert.equal(await page.getByLabel('Reminder 1', { exact: true }).getAttribute('aria-invalid'), 'true');
  assert.deepEqual(await storedOffsets(), [4320, 240, 30]);
  await reminders.screenshot({ path: join(cfg.artifacts, 'settings-reminders-refused.png') });

  step('the same time twice is refused too; an empty number is caught before sending');
  await page.getByLabel('Reminder 1', { exact: true }).fill('240');
  await page.getByLabel('Unit of reminder 1').selectOption('minutes');
  await reminders.getByRole('button', { name: 'Save reminders' }).click();
  await reminderError.filter({ hasText: 'the same offset twice' }).waitFor();
  assert.equal(await page.getByLabel('Reminder 1', { exact: true }).getAttribute('aria-invalid'), null,
    'the earlier refusal is cleared');
  await page.getByLabel('Reminder 1', { exact: true }).fill('');
  await reminders.getByRole('button', { name: 'Save reminders' }).click();
  await reminderError.filter({ hasText: 'Reminder 1: write how long before' }).waitFor();
  assert.deepEqual(await storedOffsets(), [4320, 240, 30]);

  step('no reminders at all is allowed; five is the most the page offers');
  for (let left = 3; left > 0; left -= 1) await page.getByRole('button', { name: `Remove reminder ${left}` }).click();
  await page.locator('#reminders-none').waitFor();
  await reminders.getByRole('button', { name: 'Save reminders' }).click();
  await announced('Reminders saved: no reminders');
  assert.deepEqual(await storedOffsets(), []);
  await page.reload();
  await settingsReady();
  assert.deepEqual(await reminderRows(), []);
  assert.equal(await page.locator('#reminders-none').isVisible(), true);
  for (const [amount, unit] of [['2', 'days'], ['1', 'days'], ['5', 'hours'], ['2', 'hours'], ['15', 'minutes']]) {
    await page.getByRole('button', { name: '+ Add a reminder' }).click();
    const place = await reminders.locator('.reminder-row').count();
    await page.getByLabel(`Reminder ${place}`, { exact: true }).fill(amount);
    await page.getByLabel(`Unit of reminder ${place}`).selectOption(unit);
  }
  assert.equal(await page.getByRole('button', { name: '+ Add a reminder' }).isDisabled(), true);
  await reminders.getByRole('button', { name: 'Save reminders' }).click();
  await announced('Reminders saved');
  assert.deepEqual(await storedOffsets(), [2880, 1440, 300, 120, 15]);
  await reminders.screenshot({ path: join(cfg.artifacts, 'settings-reminders.png') });

  // ---- privacy --------------------------------------------------------------------------
  step('privacy: the notice address and how long transcripts and manage links last');
  const privacy = page.locator('#privacy');
  assert.equal(await page.getByLabel('Keep chat transcripts (days)').inputValue(), '365');
  assert.equal(await page.getByLabel('Manage links work after the appointment (days)').inputValue(), '30');
  await page.getByLabel('Your privacy notice (web address)').fill('ftp://example.com/privacy');
  await privacy.getByRole('button', { name: 'Save privacy settings' }).click();
  await page.locator('#privacy-error', { hasText: 'must be an http:// or https:// address' }).waitFor();
  await page.getByLabel('Your privacy notice (web address)').fill('https://example.com/privacy');
  await page.getByLabel('Keep chat transcripts (days)').fill('90');
  await privacy.getByRole('button', { name: 'Save privacy settings' }).click();
  await announced('Privacy settings saved');
  const saved = (await apiCall('GET', business)).body;
  assert.equal(saved.privacy_url, 'https://example.com/privacy');
  assert.equal(saved.transcript_retention_days, 90);
  assert.equal(saved.manage_link_days, 30);
  await page.getByLabel('Your privacy notice (web address)').fill('');
  await privacy.getByRole('button', { name: 'Save privacy settings' }).click();
  // The same announcement as before: wait for the stored value itself.
  let cleared = false;
  for (let i = 0; i < 50 && !cleared; i += 1) {
    cleared = (await apiCall('GET', business)).body.privacy_url === null;
    if (!cleared) await page.waitForTimeout(100);
  }
  assert.ok(cleared, 'empty means no notice');

  // ---- messaging channels --------------------------------------------------------------
  const probe = await apiCall('GET', `${business}/channels`);
  assert.equal(probe.status, 200, 'the channel API answers');
  await channelSteps();

  step('on a phone: rows and channel forms fit the width');
  const phone = await context.newPage();
  phone.on('pageerror', (e) => pageErrors.push(String(e)));
  await phone.setViewportSize({ width: 390, height: 844 });
  await phone.goto(`${base}/staff/settings#reminders`);
  await phone.waitForSelector('body[data-ready="yes"]');
  for (const id of ['reminders', 'channels']) {
    const wide = await phone.evaluate((section) => {
      const node = document.getElementById(section);
      return { right: node.getBoundingClientRect().right, inner: node.scrollWidth - node.clientWidth, width: innerWidth };
    }, id);
    assert.ok(wide.right <= wide.width && wide.inner <= 0, `#${id} is wider than a phone: ${JSON.stringify(wide)}`);
  }
  await phone.locator('#reminders').screenshot({ path: join(cfg.artifacts, 'settings-reminders-phone.png') });
  await phone.locator('#channels').screenshot({ path: join(cfg.artifacts, 'settings-channels-phone.png') });
  await phone.close();

  await shot('settings-page');
  assert.deepEqual(pageErrors, [], 'no script errors on the pages');
  console.log('ALL BROWSER SCENARIOS PASSED');
} catch (error) {
  for (const [i, p] of context.pages().entries()) await shot(`settings-failure-${i}`, p).catch(() => {});
  console.error(error);
  if (pageErrors.length) console.error('page errors:', pageErrors);
  process.exitCode = 1;
} finally {
  await browser.close();
}

/** Telegram connected, kept, refused, disconnected; WhatsApp with templates. */
async function channelSteps() {
  const botToken = '123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11';
  const secretToken = 'kept-secret_token-42';
  const card = (id) => page.locator(`.channel-card[data-platform="${id}"]`);
  const telegram = card('telegram');

  step('channels: all four platforms are listed, none connected');
  await page.locator('body[data-channels="ready"]').waitFor();
  for (const id of ['messenger', 'whatsapp', 'telegram', 'twilio']) {
    assert.equal(await card(id).getAttribute('data-connected'), 'no', id);
    assert.match(await card(id).locator('summary').innerText(), /Not connected/);
  }

  step('channels: connect Telegram with a bot token and a secret token');
  await telegram.locator('summary').click();
  for (const name of ['bot_token', 'secret_token']) {
    const input = telegram.locator(`input[name="${name}"]`);
    assert.equal(await input.getAttribute('type'), 'password');
    assert.equal(await input.getAttribute('autocomplete'), 'off');
  }
  await telegram.getByLabel('Bot token').fill(botToken);
  await telegram.getByLabel('Secret token').fill(secretToken);
  await telegram.getByRole('button', { name: 'Connect Telegram' }).click();
  await announced('Telegram connected');
  await page.locator('.channel-card[data-platform="telegram"][data-connected="yes"]').waitFor();
  assert.match(await telegram.locator('summary').innerText(), /Connected/);
  const secretNames = await telegram.locator('[data-secret-name]').evaluateAll((items) => items.map((i) => i.dataset.secretName).sort());
  assert.deepEqual(secretNames, ['bot_token', 'secret_token']);
  assert.match(await telegram.locator('.channel-status').innerText(), /Bot token[\s\S]*Secret token/);
  const listed = (await apiCall('GET', `${business}/channels`)).body.channels;
  const view = listed.find((c) => c.platform === 'telegram');
  assert.ok(view, JSON.stringify(listed));
  assert.deepEqual([...view.secrets_set].sort(), ['bot_token', 'secret_token']);
  assert.equal(await telegram.getByLabel('Webhook URL', { exact: true }).inputValue(), view.webhook_url);
  assert.ok(view.webhook_url.includes('telegram'), view.webhook_url);
  for (const secret of [botToken, secretToken]) {
    assert.equal(await pageHolds(secret), false, 'the page never holds a secret after saving');
  }
  assert.equal(await telegram.getByLabel('Bot token').inputValue(), '');
  assert.match(await telegram.getByLabel('Bot token').getAttribute('placeholder'), /stored/);

  step('channels: the webhook URL is copied with its button');
  await telegram.getByRole('button', { name: 'Copy the webhook URL of Telegram' }).click();
  await announced('Webhook URL of Telegram copied');
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), view.webhook_url);
  await telegram.screenshot({ path: join(cfg.artifacts, 'settings-channel-telegram.png') });

  step('channels: saving again with the secrets left empty keeps them');
  const [request] = await Promise.all([
    page.waitForRequest((r) => r.method() === 'PUT' && r.url().endsWith('/channels/telegram')),
    telegram.getByRole('button', { name: 'Save Telegram' }).click(),
  ]);
  assert.deepEqual(JSON.parse(request.postData()), {}, 'empty secret inputs are not sent');
  await announced('Telegram saved');
  const kept = (await apiCall('GET', `${business}/channels`)).body.channels.find((c) => c.platform === 'telegram');
  assert.deepEqual([...kept.secrets_set].sort(), ['bot_token', 'secret_token']);

  step('channels: a bad secret token is refused with the server\'s message at that field');
  await telegram.getByLabel('Secret token').fill('not allowed!');
  await telegram.getByRole('button', { name: 'Save Telegram' }).click();
  const telegramError = telegram.locator('.error[role="alert"]');
  await telegramError.waitFor();
  assert.ok((await telegramError.innerText()).length > 0);
  assert.equal(await telegram.getByLabel('Secret token').getAttribute('aria-invalid'), 'true');
  await telegram.getByLabel('Secret token').fill('');

  step('channels: WhatsApp with a reminder template; an unknown parameter is refused');
  const whatsapp = card('whatsapp');
  await whatsapp.locator('summary').click();
  await whatsapp.getByLabel('Phone number ID').fill('1098765');
  await whatsapp.getByLabel('Access token').fill('EAAG-access-token');
  await whatsapp.getByLabel('App secret').fill('whatsapp-app-secret');
  await whatsapp.getByLabel('Verify token').fill('whatsapp-verify-token');
  const reminderTemplate = whatsapp.locator('[data-template="reminder"]');
  await reminderTemplate.getByLabel('Name').fill('appointment_reminder');
  await reminderTemplate.getByLabel('Language').fill('en_US');
  await reminderTemplate.getByLabel('Parameters, comma-separated').fill('service, date, shoe_size');
  await whatsapp.getByRole('button', { name: 'Connect WhatsApp' }).click();
  await whatsapp.locator('.error[role="alert"]').waitFor();
  assert.equal(await whatsapp.getAttribute('data-connected'), 'no');
  assert.equal(await reminderTemplate.getByLabel('Parameters, comma-separated').getAttribute('aria-invalid'), 'true');
  await reminderTemplate.getByLabel('Parameters, comma-separated').fill('service, date, time');
  await whatsapp.getByRole('button', { name: 'Connect WhatsApp' }).click();
  await announced('WhatsApp connected');
  const wa = (await apiCall('GET', `${business}/channels`)).body.channels.find((c) => c.platform === 'whatsapp');
  assert.equal(wa.settings.phone_number_id, '1098765');
  assert.deepEqual(wa.settings.templates.reminder, { name: 'appointment_reminder', language: 'en_US', parameters: ['service', 'date', 'time'] });
  assert.equal(await card('whatsapp').locator('[data-template="reminder"]').getByLabel('Parameters, comma-separated').inputValue(), 'service, date, time');
  for (const secret of ['EAAG-access-token', 'whatsapp-app-secret', 'whatsapp-verify-token']) {
    assert.equal(await pageHolds(secret), false);
  }

  step('channels: a WhatsApp number is pending until Meta proves it, and the card says so');
  assert.equal(wa.status, 'pending');
  assert.equal(await card('whatsapp').getAttribute('data-status'), 'pending');
  assert.match(await card('whatsapp').locator('summary').innerText(), /Pending/);
  assert.match(await card('whatsapp').locator('.channel-status').innerText(), /not yet proven/);
  assert.equal(view.status, 'active', 'Telegram is addressed by its own URL: active at once');
  await page.locator('#channels').screenshot({ path: join(cfg.artifacts, 'settings-channels.png') });

  step('channels: disconnecting asks first; "keep" changes nothing, "yes" disconnects');
  const dialog = page.locator('#disconnect-dialog');
  await telegram.getByRole('button', { name: 'Disconnect Telegram…' }).click();
  await dialog.waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.id), 'disconnect-keep', 'the safe choice has the focus');
  await dialog.screenshot({ path: join(cfg.artifacts, 'settings-channel-disconnect.png') });
  await page.keyboard.press('Enter');
  await dialog.waitFor({ state: 'hidden' });
  await page.waitForFunction(() => document.activeElement.textContent === 'Disconnect Telegram…');
  assert.ok((await apiCall('GET', `${business}/channels`)).body.channels.some((c) => c.platform === 'telegram'));
  await telegram.getByRole('button', { name: 'Disconnect Telegram…' }).click();
  await dialog.getByRole('button', { name: 'Yes, disconnect Telegram' }).click();
  await announced('Telegram disconnected');
  await page.locator('.channel-card[data-platform="telegram"][data-connected="no"]').waitFor();
  const after = (await apiCall('GET', `${business}/channels`)).body.channels.map((c) => c.platform);
  assert.deepEqual(after, ['whatsapp']);
  assert.equal((await apiCall('DELETE', `${business}/channels/telegram`)).status, 404);
}
