// Setting a new password through the emailed link (`/staff/reset?token=…`). The link works
// once; afterwards every session of the login has ended, so the page sends the user to log in.
import { api, showError, clearErrors, ApiError } from './common.js';

const form = document.getElementById('reset-form');
const errorRegion = document.getElementById('reset-error');
const done = document.getElementById('reset-done');
const again = document.getElementById('reset-again');
const token = new URLSearchParams(location.search).get('token') || '';

function linkRefused(message) {
  form.hidden = true;
  errorRegion.hidden = true;
  done.textContent = message;
  done.hidden = false;
  again.hidden = false;
}

if (!token) linkRefused('This page needs the link from the email. Ask for a new one if it is lost.');

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  clearErrors(form);
  const password = form.password.value;
  if (password.length < 10) {
    showError(errorRegion, new ApiError(422, { error: {
      message: 'The password needs at least 10 characters.', field: 'password' } }), form);
    return;
  }
  if (form.repeat.value !== password) {
    showError(errorRegion, new ApiError(422, { error: {
      message: 'The two passwords are not the same.', field: 'repeat' } }), form);
    return;
  }
  const button = form.querySelector('button[type=submit]');
  button.disabled = true;
  try {
    const result = await api('POST', '/api/v1/session/password-reset/confirm', { token, password });
    form.hidden = true;
    done.replaceChildren(`Your new password is set for ${result.email}. `,
      Object.assign(document.createElement('a'), {
        href: `/staff/login`, textContent: 'Log in with it',
      }));
    done.hidden = false;
  } catch (error) {
    if (error.code === 'token_used') linkRefused('This link has been used already. Ask for a new one.');
    else if (error.code === 'token_expired') linkRefused('This link has expired. Ask for a new one.');
    else if (error.code === 'invalid_token') linkRefused('This link is not valid. Ask for a new one.');
    else showError(errorRegion, error, form);
  } finally {
    button.disabled = false;
  }
});
