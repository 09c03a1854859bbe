// The chat as customers and staff use it, in headless Chromium: an owner sets up the chat and
// a question; a customer opens the widget on another site (its own origin and a strict
// Content-Security-Policy) with the keyboard and books by typing and tapping; another
// customer asks for a person, staff answer from the inbox and hand back, each side seeing the
// other without reloading. Run by tests/browser.rs with the server's address and test data as
// one JSON argument.
import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
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
const pageErrors = [];

/** A fresh browser (cookies, storage) whose pages report script errors and CSP refusals. */
async function person(options = {}) {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 860 },
    timezoneId: 'America/New_York', // not the business's zone: pages must use the business's
    locale: 'en-GB',
    ...options,
  });
  context.setDefaultTimeout(10_000);
  context.on('page', watch);
  return context;
}

function watch(page) {
  page.on('pageerror', (e) => pageErrors.push(`${page.url()}: ${e}`));
  page.on('console', (m) => {
    // Refused requests the scenarios provoke show up as resource errors; script errors and
    // Content-Security-Policy refusals do not.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) pageErrors.push(`${page.url()}: ${m.text()}`);
  });
}

const shot = (page, name) => page.screenshot({ path: join(cfg.artifacts, `${name}.png`), fullPage: true });
const step = (text) => console.log(`- ${text}`);

async function apiCall(method, path, body) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${cfg.apiKey}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

async function logIn(page, who, next) {
  await page.goto(`${base}${next}`);
  await page.waitForURL(/\/staff\/login/);
  await page.getByLabel('Email address').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(`${base}${next}`);
}

/** Another website that embeds the widget: its own origin, and a policy without inline styles. */
function hostSite() {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Corner Cuts</title></head>
<body><h1>Corner Cuts</h1><p>Fresh cuts on the corner since 1998.</p><a href="#prices">Prices</a>
<script src="${base}/static/chat/widget.js" data-business="${cfg.slug}" defer></script></body></html>`;
  const server = createServer((request, response) => {
    response.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': `default-src 'none'; script-src ${base}; frame-src ${base}`,
    });
    response.end(html);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** The chat's newest bot message (in `chat`, a page or a frame) once it contains `text`. */
async function botSays(chat, text, timeout = 10_000) {
  const message = chat.locator('.msg--bot, .msg--staff').filter({ hasText: text }).last();
  await message.waitFor({ timeout });
  return message;
}

const activeIn = (frame) => frame.evaluate(() => {
  const el = document.activeElement;
  return { tag: el.tagName, id: el.id, text: el.textContent, className: el.className };
});

let host;
try {
  // ---- settings ----------------------------------------------------------------------
  step('the owner sets up the chat: hold and handoff minutes, contact, a refused value');
  const owner = await person();
  const settings = await owner.newPage();
  await logIn(settings, cfg.owner, '/staff/settings');
  await settings.waitForSelector('body[data-ready="yes"]');
  const chatForm = settings.locator('#chat-form');
  assert.equal(await chatForm.getByLabel('Hold a chosen time (minutes)').inputValue(), '10');
  await chatForm.getByLabel('Hold a chosen time (minutes)').fill('0');
  await chatForm.getByRole('button', { name: 'Save chat settings' }).click();
  await settings.locator('#chat-error', { hasText: 'hold_minutes' }).waitFor();
  assert.equal(await chatForm.getByLabel('Hold a chosen time (minutes)').getAttribute('aria-invalid'), 'true');
  await chatForm.getByLabel('Hold a chosen time (minutes)').fill('15');
  await chatForm.getByLabel('Bot stays silent after a handoff (minutes)').fill('60');
  await chatForm.getByLabel('Contact the chat asks for').selectOption('phone');
  await chatForm.getByRole('button', { name: 'Save chat settings' }).click();
  await settings.locator('#announcer', { hasText: 'Chat settings saved' }).waitFor();
  const saved = (await apiCall('GET', business)).body;
  assert.deepEqual([saved.hold_minutes, saved.handoff_timeout_minutes, saved.contact_requirement], [15, 60, 'phone']);

  step('customer questions: add two, reorder with the keyboard, stop asking one');
  const addQuestion = settings.locator('#add-question-form');
  await addQuestion.getByLabel('Question in English').fill('Anything we should know?');
  await addQuestion.getByRole('button', { name: 'Add question' }).click();
  await settings.locator('#question-list li', { hasText: 'Anything we should know?' }).waitFor();
  await addQuestion.getByLabel('Question in English').fill('Do you need a parking permit?');
  await addQuestion.getByLabel(/Question in German/).fill('Brauchen Sie eine Parkerlaubnis?');
  await addQuestion.getByLabel('Answer').selectOption('yes_no');
  await addQuestion.getByRole('button', { name: 'Add question' }).click();
  await settings.locator('#question-list li', { hasText: 'Do you need a parking permit?' }).waitFor();
  await settings.getByRole('button', { name: 'Move “Do you need a parking permit?” up' }).focus();
  await settings.keyboard.press('Enter');
  await settings.locator('#question-list li').first().filter({ hasText: 'Do you need a parking permit?' }).waitFor();
  assert.equal(await settings.evaluate(() => document.activeElement.getAttribute('aria-label')),
    'Move “Do you need a parking permit?” down', 'the keyboard stays with the moved question');
  const other = settings.locator('#question-list li', { hasText: 'Anything we should know?' });
  await other.getByLabel('Asked in the chat').uncheck();
  await other.getByRole('button', { name: 'Save question' }).click();
  await settings.locator('#question-list li.inactive', { hasText: 'Anything we should know?' }).waitFor();
  const questions = (await apiCall('GET', `${business}/questions`)).body;
  assert.deepEqual(questions.map((q) => [q.prompt_en, q.kind, q.active]),
    [['Do you need a parking permit?', 'yes_no', true], ['Anything we should know?', 'text', false]]);
  assert.equal(questions[0].prompt_de, 'Brauchen Sie eine Parkerlaubnis?');

  step('questions and answers: the owner adds one in English; the others stay empty');
  const addFaq = settings.locator('#add-faq-form');
  await addFaq.getByLabel('Ways customers ask it in English, one per line').fill('Is there parking?\nWhere can I park?');
  await addFaq.getByLabel('Answer in English').fill('<b>Behind</b> the shop <script>alert(1)</script>');
  await addFaq.getByRole('button', { name: 'Add question and answer' }).click();
  await settings.locator('#faq-list li', { hasText: 'Is there parking?' }).waitFor();
  const entries = (await apiCall('GET', `${business}/faq`)).body;
  assert.deepEqual(entries.map((e) => e.translations.map((t) => [t.locale, t.examples.length])), [[['en', 2]]]);
  await settings.locator('#faq').screenshot({ path: join(cfg.artifacts, 'settings-faq.png') });
  await settings.locator('#chat').screenshot({ path: join(cfg.artifacts, 'settings-chat.png') });
  await settings.locator('#questions').screenshot({ path: join(cfg.artifacts, 'settings-questions.png') });
  await owner.close();

  // ---- the widget on another site ----------------------------------------------------
  step('the widget on another origin opens with the keyboard');
  host = await hostSite();
  const hostUrl = `http://127.0.0.1:${host.address().port}/`;
  const visitor = await person();
  const site = await visitor.newPage();
  await site.goto(hostUrl);
  const launcher = site.getByRole('button', { name: 'Book an appointment' });
  assert.equal(await launcher.evaluate((b) => getComputedStyle(b).position), 'fixed', 'styled without inline styles');
  for (let i = 0; i < 5 && !(await launcher.evaluate((b) => b === document.activeElement)); i += 1) {
    await site.keyboard.press('Tab');
  }
  assert.equal(await launcher.getAttribute('aria-expanded'), 'false');
  await site.keyboard.press('Enter');
  assert.equal(await launcher.getAttribute('aria-expanded'), 'true');
  const frameElement = site.locator('iframe#chairside-chat');
  await frameElement.waitFor();
  assert.equal(await frameElement.getAttribute('title'), 'Book an appointment');
  const widget = site.frameLocator('iframe#chairside-chat');
  const frame = await (await frameElement.elementHandle()).contentFrame();
  await botSays(widget, `welcome to ${cfg.businessName}`);

  step('accessibility: a live log, a labelled input, choices as buttons in the Tab order');
  const log = widget.locator('#chat-log');
  assert.equal(await log.getAttribute('role'), 'log');
  assert.equal(await log.getAttribute('aria-live'), 'polite');
  await widget.getByLabel('Your message').waitFor();
  const firstChoices = widget.locator('.choices').last().locator('button.choice');
  assert.ok(await firstChoices.count() >= 2, 'the greeting offers choices');
  let focused = await activeIn(frame);
  assert.equal(focused.className, 'choice', `the first choice has the focus: ${JSON.stringify(focused)}`);
  const firstTitle = focused.text;
  await site.keyboard.press('Tab');
  focused = await activeIn(frame);
  assert.equal(focused.tag, 'BUTTON', 'Tab moves to the next choice');
  assert.notEqual(focused.text, firstTitle);
  await site.keyboard.press('Shift+Tab');
  assert.equal((await activeIn(frame)).text, firstTitle);
  await shot(site, 'widget-desktop-greeting');

  step('booking by tapping (keyboard) and typing');
  await widget.locator('.choices').last().getByRole('button', { name: 'Haircut' }).focus();
  await site.keyboard.press('Enter');
  await widget.locator('.msg--me', { hasText: 'Haircut' }).waitFor();
  await botSays(widget, 'Which day');
  const input = widget.getByLabel('Your message');
  await input.focus();
  await site.keyboard.type('tomorrow at 10 with Sam');
  await site.keyboard.press('Enter');
  await botSays(widget, 'May I have your name?');
  assert.equal((await activeIn(frame)).id, 'chat-input', 'without choices the input keeps the focus');
  await site.keyboard.type('Nora Visitor');
  await site.keyboard.press('Enter');
  await botSays(widget, 'phone number');
  await site.keyboard.type('+49 170 5550101');
  await site.keyboard.press('Enter');
  await botSays(widget, 'Do you need a parking permit?');
  assert.equal(await widget.locator('.msg--bot', { hasText: 'Anything we should know?' }).count(), 0, 'an inactive question is not asked');
  await widget.locator('.choices').last().getByRole('button', { name: 'Yes', exact: true }).click();
  await botSays(widget, 'Shall I book it?');
  await widget.locator('.choices').last().getByRole('button', { name: 'Yes, book it' }).click();
  const booked = await botSays(widget, "You're booked!");
  assert.equal(await booked.getByRole('link', { name: 'Manage your booking' }).count(), 1);
  await shot(site, 'widget-desktop-booked');

  const listed = (await apiCall('GET', `${business}/bookings?from=2027-03-02&to=2027-03-02`)).body.bookings;
  const nora = listed.find((b) => b.customer && b.customer.name === 'Nora Visitor');
  assert.ok(nora, JSON.stringify(listed));
  assert.deepEqual([nora.status, nora.channel, nora.start, nora.staff_name, nora.customer.phone],
    ['confirmed', 'web', '2027-03-02T10:00:00+01:00', 'Sam', '+491705550101']);

  step('Escape in the chat closes the widget and gives the focus back to its button');
  await input.focus();
  await site.keyboard.press('Escape');
  await frameElement.waitFor({ state: 'hidden' });
  assert.equal(await launcher.getAttribute('aria-expanded'), 'false');
  assert.equal(await launcher.evaluate((b) => b === document.activeElement), true);

  step('on a phone, the widget fits the screen');
  const phoneVisitor = await person({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const phoneSite = await phoneVisitor.newPage();
  await phoneSite.goto(hostUrl);
  await phoneSite.getByRole('button', { name: 'Book an appointment' }).tap();
  const phoneWidget = phoneSite.frameLocator('iframe#chairside-chat');
  await botSays(phoneWidget, `welcome to ${cfg.businessName}`);
  await phoneWidget.locator('.choices').last().getByRole('button', { name: 'Haircut' }).tap();
  await botSays(phoneWidget, 'Which day');
  step('a question the owner answered is answered mid-booking, as text, and the booking goes on');
  await phoneWidget.getByLabel('Your message').fill('can i park my car somewhere?');
  await phoneWidget.getByLabel('Your message').press('Enter');
  const parking = await botSays(phoneWidget, '<b>Behind</b> the shop <script>alert(1)</script>');
  assert.equal(await parking.locator('b, script').count(), 0, 'the answer is not markup');
  assert.equal(await phoneWidget.locator('.msg--bot', { hasText: 'Which day' }).count(), 2, 'the pending question is asked again');
  const box = await phoneSite.locator('iframe#chairside-chat').boundingBox();
  assert.ok(box.x >= 0 && box.x + box.width <= 390 && box.y >= 0, JSON.stringify(box));
  await shot(phoneSite, 'widget-phone');
  await phoneVisitor.close();

  step('the widget on the server\'s own home page, under its strict policy');
  const home = await visitor.newPage();
  await home.goto(`${base}/`);
  await home.getByRole('button', { name: 'Book an appointment' }).click();
  await home.frameLocator('iframe#chairside-chat').locator('.msg--bot').first().waitFor();
  await home.close();
  await visitor.close();

  // ---- the inbox ---------------------------------------------------------------------
  step('staff (not an owner) open the inbox; the day view links to it');
  const desk = await person();
  const inbox = await desk.newPage();
  await logIn(inbox, cfg.staff, '/staff/inbox');
  await inbox.waitForSelector('body[data-ready="yes"]');
  await inbox.waitForSelector('body[data-live="on"]');
  assert.equal(await inbox.locator('#human-list .conversation-link').count(), 0);
  await inbox.locator('#bot-list .conversation-link', { hasText: 'Nora Visitor' }).waitFor();
  assert.equal(await inbox.locator('#inbox-count').isVisible(), false, 'nobody waits yet');
  await inbox.evaluate(() => { window.notReloaded = true; });
  const day = await desk.newPage();
  await day.goto(`${base}/staff`);
  await day.waitForSelector('body[data-live="on"]');

  step('a customer asks for a person; staff see it without reloading, on every page');
  const customer = await person();
  const chat = await customer.newPage();
  await chat.goto(`${base}/b/${cfg.slug}/chat`);
  await botSays(chat, `welcome to ${cfg.businessName}`);
  await chat.getByLabel('Your message').fill('talk to a person');
  const asked = Date.now();
  await chat.getByLabel('Your message').press('Enter');
  const waiting = inbox.locator('#human-list .conversation-link.waiting');
  await waiting.waitFor();
  const seenAfter = Date.now() - asked;
  console.log(`TIMING inbox: a customer's request for a person shown to staff ${seenAfter} ms after it was sent`);
  assert.ok(seenAfter < 5000, `${seenAfter} ms`);
  await botSays(chat, 'passed your message to our team');
  assert.match(await waiting.innerText(), /Web chat visitor[\s\S]*Waiting[\s\S]*with staff since 09:00/);
  await inbox.locator('#inbox-count', { hasText: '1' }).waitFor();
  assert.equal(await inbox.locator('#inbox-link').getAttribute('aria-label'), 'Inbox, 1 waiting');
  await inbox.locator('#announcer', { hasText: 'Web chat visitor is waiting for an answer' }).waitFor();
  assert.equal(await inbox.locator('#take-over-row').isVisible(), false, 'nothing to take over before choosing');
  await day.locator('#inbox-count', { hasText: '1' }).waitFor();
  assert.equal(await inbox.evaluate(() => window.notReloaded), true, 'the inbox did not reload');
  await shot(inbox, 'inbox-waiting');

  step('with the keyboard: open the conversation, read it, reply');
  await waiting.focus();
  await inbox.keyboard.press('Enter');
  await inbox.waitForURL(/\/staff\/inbox\?c=/);
  await inbox.waitForFunction(() => document.activeElement.id === 'conversation-heading');
  const transcript = inbox.locator('#transcript');
  await transcript.locator('.message.from-customer', { hasText: 'talk to a person' }).waitFor();
  assert.equal(await transcript.getAttribute('role'), 'log');
  await inbox.getByLabel('Your reply to Web chat visitor').fill('Hi, this is Kim. How can I help?');
  await inbox.getByRole('button', { name: 'Send reply' }).click();
  await transcript.locator('.message.from-staff', { hasText: 'this is Kim' }).waitFor();
  assert.equal(await inbox.getByRole('button', { name: 'Take over' }).isVisible(), false, 'already with staff');
  await inbox.locator('#inbox-count').waitFor({ state: 'hidden' });
  assert.equal(await inbox.evaluate(() => document.activeElement.id), 'reply-text');

  step('the customer sees the reply without reloading, and answers');
  await chat.evaluate(() => { window.notReloaded = true; });
  await chat.locator('.msg--staff', { hasText: 'Hi, this is Kim. How can I help?' }).waitFor({ timeout: 12_000 });
  await chat.getByLabel('Your message').fill('Can I bring my dog?');
  const sent = Date.now();
  await chat.getByLabel('Your message').press('Enter');
  await transcript.locator('.message.from-customer', { hasText: 'Can I bring my dog?' }).waitFor();
  console.log(`TIMING inbox: a customer's message in the open transcript ${Date.now() - sent} ms after it was sent`);
  await inbox.locator('#inbox-count', { hasText: '1' }).waitFor();
  assert.equal(await chat.locator('.msg--bot', { hasText: 'Can I bring' }).count(), 0);
  await inbox.getByLabel('Your reply to Web chat visitor').fill('Of course, dogs are welcome.');
  await inbox.getByLabel('Your reply to Web chat visitor').press('Control+Enter');
  await transcript.locator('.message.from-staff', { hasText: 'dogs are welcome' }).waitFor();
  await chat.locator('.msg--staff', { hasText: 'dogs are welcome' }).waitFor({ timeout: 12_000 });
  await inbox.waitForFunction(() => {
    const t = document.getElementById('transcript');
    return t.scrollTop + t.clientHeight >= t.scrollHeight - 2;
  }, null, { timeout: 2000 }); // the newest message in view
  await shot(inbox, 'inbox-conversation');
  await shot(chat, 'chat-with-staff');

  step('on a phone and on paper');
  await inbox.setViewportSize({ width: 390, height: 844 });
  assert.equal(await inbox.locator('.inbox-lists').isVisible(), false, 'the conversation alone');
  assert.equal(await inbox.locator('#back-to-list').isVisible(), true);
  await shot(inbox, 'inbox-phone');
  await inbox.emulateMedia({ media: 'print' });
  assert.equal(await inbox.locator('#reply-form').isVisible(), false);
  assert.equal(await transcript.isVisible(), true);
  await inbox.pdf({ path: join(cfg.artifacts, 'inbox-print.pdf') });
  await shot(inbox, 'inbox-print');
  await inbox.emulateMedia({ media: 'screen' });
  await inbox.setViewportSize({ width: 1280, height: 860 });

  step('staff hand back; the customer hears it and the bot answers again');
  await inbox.getByRole('button', { name: 'Hand back to the bot' }).click();
  await inbox.locator('#announcer', { hasText: 'Handed Web chat visitor back to the bot' }).waitFor();
  await inbox.getByRole('button', { name: 'Take over' }).waitFor();
  assert.equal(await inbox.locator('#human-list .conversation-link').count(), 0);
  await chat.locator('.msg--bot', { hasText: "You're back with the booking assistant" }).waitFor({ timeout: 12_000 });
  assert.equal(await chat.evaluate(() => window.notReloaded), true, 'the chat did not reload');
  await chat.getByLabel('Your message').fill('a beard trim on thursday');
  await chat.getByLabel('Your message').press('Enter');
  await botSays(chat, 'Thursday');

  step('staff take a conversation over from the bot');
  await inbox.getByRole('button', { name: 'Take over' }).click();
  await inbox.locator('#announcer', { hasText: 'You have taken over' }).waitFor();
  assert.equal(await inbox.evaluate(() => document.activeElement.id), 'reply-text');
  await inbox.locator('#human-list .conversation-link').first().waitFor();
  await chat.getByLabel('Your message').fill('hello?');
  await chat.getByLabel('Your message').press('Enter');
  await transcript.locator('.message.from-customer', { hasText: 'hello?' }).waitFor();
  const conversations = (await apiCall('GET', `${business}/conversations?owner=human`)).body;
  assert.equal(conversations.length, 1);
  assert.equal(conversations[0].waiting, true);
  await desk.close();
  await customer.close();

  assert.deepEqual(pageErrors, [], 'no script errors or policy refusals on the pages');
  console.log('ALL BROWSER SCENARIOS PASSED');
} catch (error) {
  for (const context of browser.contexts()) {
    for (const [i, page] of context.pages().entries()) await shot(page, `chat-failure-${i}`).catch(() => {});
  }
  console.error(error);
  if (pageErrors.length) console.error('page errors:', pageErrors);
  process.exitCode = 1;
} finally {
  if (host) host.close();
  await browser.close();
}
