// The login form: on success go where the user was headed (only within the staff pages).
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
      error.message = 'Too many failed attempts. Please wait 15 minutes and try again.';
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
