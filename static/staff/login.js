// The login form: on success go where the user was headed (only within the staff pages).
// "Forgot your password?" asks for a reset link by email (the answer is the same whether or
// not the address has a login).
import { api, showError, clearErrors, ApiError } from './common.js';

const form = document.getElementById('login-form');
const errorRegion = document.getElementById('login-error');

function destination() {
  const next = new URLSearchParams(location.search).get('next') || '';
  return next.startsWith('/staff') && !next.startsWith('//') ? next : '/staff';
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  clearErrors(form);
  const email = form.email.value.trim();
  const password = form.password.value;
  if (!email || !password) {
    showError(errorRegion, new ApiError(422, { error: {
      message: 'Enter your email address and password.', field: email ? 'password' : 'email' } }), form);
    return;
  }
  const button = form.querySelector('button[type=submit]');
  button.disabled = true;
  try {
    await api('POST', '/api/v1/session', { email, password });
    location.assign(destination());
  } catch (error) {
    if (error.status === 429) {
      error.message = 'Too many failed attempts. Please wait 15 minutes and try again, '
        + 'or set a new password with "Forgot your password?".';
    } else if (error.status === 503) {
      error.message = 'The server is busy. Please try again in a moment.';
    } else if (error.status === 401) {
      error.message = 'The email address or the password is wrong.';
      error.field = 'password';
    }
    showError(errorRegion, error, form);
    form.password.select();
  } finally {
    button.disabled = false;
  }
});

const forgotToggle = document.getElementById('forgot-toggle');
const forgotForm = document.getElementById('forgot-form');
const forgotError = document.getElementById('forgot-error');
const forgotSent = document.getElementById('forgot-sent');

function showForgot(open) {
  forgotForm.hidden = !open;
  forgotToggle.setAttribute('aria-expanded', String(open));
  if (open) {
    clearErrors(form);
    forgotForm.email.value = forgotForm.email.value || form.email.value.trim();
    forgotForm.email.focus();
  }
}

forgotToggle.addEventListener('click', () => showForgot(forgotForm.hidden));
if (location.hash === '#forgot') showForgot(true);

forgotForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  clearErrors(forgotForm);
  forgotSent.hidden = true;
  const email = forgotForm.email.value.trim();
  if (!email) {
    showError(forgotError, new ApiError(422, { error: {
      message: 'Enter the email address you log in with.', field: 'email' } }), forgotForm);
    return;
  }
  const button = forgotForm.querySelector('button[type=submit]');
  button.disabled = true;
  try {
    await api('POST', '/api/v1/session/password-reset', { email });
    forgotSent.textContent = `If ${email} has a login, a link to set a new password is on its way. `
      + 'It works once, within an hour.';
    forgotSent.hidden = false;
    forgotForm.hidden = true;
    forgotToggle.setAttribute('aria-expanded', 'false');
  } catch (error) {
    if (error.status === 429) {
      error.message = 'Too many links were asked for. Please wait an hour and try again.';
    } else if (error.status === 422) {
      error.message = 'This is not an email address.';
      error.field = 'email';
    }
    showError(forgotError, error, forgotForm);
  } finally {
    button.disabled = false;
  }
});
