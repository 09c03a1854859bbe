// A forgotten password in headless Chromium: the owner is locked out after failed logins, asks
// for a link with "Forgot your password?", receives it through a real SMTP server, sets a new
// password on /staff/reset (refused first when too short or mistyped), logs in with it, and
// finds the link used up afterwards. Keyboard and screen-reader basics; desktop and phone
// screenshots. Run by tests/browser.rs with the server's address, the SMTP sink's mail folder and
// test data as one JSON argument.
import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
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
const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
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
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function logInThroughApi(email, password) {
  const response = await fetch(`${base}/api/v1/session`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }),
  });
  return response.status;
}

/** The reset link in the newest mail to `to` the SMTP sink received (waits up to 15 s). */
async function resetLinkMailedTo(to, notAmong = []) {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    for (const name of readdirSync(cfg.mailDir).filter((n) => n.endsWith('.eml')).sort()) {
      // Quoted-printable: soft line breaks and the escaped "=".
      const raw = readFileSync(join(cfg.mailDir, name), 'utf8').replace(/=\r?\n/g, '').replace(/=3D/g, '=');
      if (!new RegExp(`^To: .*${to.replace('.', '\\.')}`, 'mi').test(raw)) continue;
      const match = raw.match(/(http:\/\/[^\s"<>]+\/staff\/reset\?token=[A-Za-z0-9_-]{20,})/);
      if (match && !notAmong.includes(match[1])) return { link: match[1], raw };
    }
    await sleep(100);
  }
  throw new Error(`no reset mail to ${to} arrived`);
}

try {
  step('after five wrong passwords the owner is locked out, and the page says what to do');
  for (let n = 0; n < 5; n += 1) assert.equal(await logInThroughApi(cfg.owner.email, `wrong guess ${n}`), 401);
  await page.goto(`${base}/staff/login`);
  await page.getByLabel('Email address').fill(cfg.owner.email);
  await page.getByLabel('Password').fill(cfg.owner.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.locator('#login-error').filter({ hasText: 'Forgot your password?' }).waitFor();
  await shot('reset-locked-out');

  step('"Forgot your password?" opens a form with the address already filled in, by keyboard');
  const toggle = page.getByRole('button', { name: 'Forgot your password?' });
  assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
  await toggle.focus();
  await page.keyboard.press('Enter');
  assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
  const forgot = page.locator('#forgot-form');
  await forgot.waitFor();
  const forgotEmail = forgot.getByLabel("Your login's address");
  assert.equal(await forgotEmail.inputValue(), cfg.owner.email);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'forgot-email');

  step('a malformed address is refused at its field');
  await forgotEmail.fill('not an address');
  await forgot.getByRole('button', { name: 'Send the link' }).click();
  await page.locator('#forgot-error').filter({ hasText: 'not an email address' }).waitFor();
  assert.equal(await forgotEmail.getAttribute('aria-invalid'), 'true');

  step('asking for the link shows the same notice whether or not the address has a login');
  await forgotEmail.fill(cfg.owner.email);
  await forgot.getByRole('button', { name: 'Send the link' }).click();
  const sent = page.locator('#forgot-sent');
  await sent.filter({ hasText: 'a link to set a new password is on its way' }).waitFor();
  assert.equal(await sent.getAttribute('role'), 'status');
  assert.equal(await forgot.isVisible(), false);
  await shot('reset-link-sent');

  step('the mail arrives through SMTP with the link');
  const { link, raw } = await resetLinkMailedTo(cfg.owner.email);
  assert.ok(link.startsWith(`${cfg.publicUrl}/staff/reset?token=`), link);
  assert.match(raw, /Subject: Set a new password for/);
  const token = new URL(link).searchParams.get('token');

  step('the reset page refuses a short and a mistyped password before sending');
  await page.goto(`${base}/staff/reset?token=${token}`);
  const password = page.getByLabel('New password', { exact: true });
  const repeat = page.getByLabel('Repeat the new password');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'password');
  await password.fill('short');
  await repeat.fill('short');
  await page.getByRole('button', { name: 'Set the password' }).click();
  await page.locator('#reset-error').filter({ hasText: 'at least 10 characters' }).waitFor();
  assert.equal(await password.getAttribute('aria-invalid'), 'true');
  await password.fill('a new owner password');
  await repeat.fill('a new owner pasword');
  await page.keyboard.press('Enter');
  await page.locator('#reset-error').filter({ hasText: 'not the same' }).waitFor();
  assert.equal(await repeat.getAttribute('aria-invalid'), 'true');
  await shot('reset-mistyped');

  step('the new password is set; the lockout is lifted');
  await repeat.fill('a new owner password');
  await page.getByRole('button', { name: 'Set the password' }).click();
  const done = page.locator('#reset-done');
  await done.filter({ hasText: `Your new password is set for ${cfg.owner.email}` }).waitFor();
  await shot('reset-done');
  await done.getByRole('link', { name: 'Log in with it' }).click();
  await page.waitForURL(/\/staff\/login/);
  await page.getByLabel('Email address').fill(cfg.owner.email);
  await page.getByLabel('Password').fill('a new owner password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(`${base}/staff`);
  assert.equal(await logInThroughApi(cfg.owner.email, cfg.owner.password), 401, 'the old password is gone');

  step('the link works once; the page offers a new one');
  await page.goto(link.replace(cfg.publicUrl, base));
  await password.fill('yet another password');
  await repeat.fill('yet another password');
  await page.getByRole('button', { name: 'Set the password' }).click();
  await done.filter({ hasText: 'used already' }).waitFor();
  assert.equal(await page.locator('#reset-form').isVisible(), false);
  await page.getByRole('link', { name: 'Ask for a new link' }).click();
  await page.waitForURL(/\/staff\/login#forgot/);
  await page.locator('#forgot-form').waitFor();

  step('on a phone');
  const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  phone.on('pageerror', (e) => pageErrors.push(String(e)));
  await phone.goto(`${base}/staff/reset?token=${token}`);
  await phone.getByLabel('New password', { exact: true }).waitFor();
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
  assert.equal(overflow, false, 'no sideways scrolling on a phone');
  await shot('reset-phone', phone);
  await phone.goto(`${base}/staff/reset`);
  await phone.locator('#reset-done').filter({ hasText: 'needs the link from the email' }).waitFor();

  assert.deepEqual(pageErrors, [], 'no script errors on the pages');
  console.log('ALL BROWSER SCENARIOS PASSED');
} catch (error) {
  await shot('reset-failure').catch(() => {});
  console.error(error);
  if (pageErrors.length) console.error('page errors:', pageErrors);
  process.exitCode = 1;
} finally {
  await browser.close();
}
