/** The console's login form: a client id and secret traded for a bearer token. */
import { login } from './api';
import { app, guarded, h, say } from './ui';

export function loginView(): void {
  const id = h('input', { id: 'client-id', placeholder: 'client id', autocomplete: 'username' }) as HTMLInputElement;
  const secret = h('input', {
    id: 'client-secret',
    type: 'password',
    placeholder: 'client secret',
    autocomplete: 'current-password',
  }) as HTMLInputElement;
  const form = h(
    'form',
    { id: 'login' },
    h('h2', {}, 'Log in'),
    id,
    secret,
    h('button', { type: 'submit', id: 'login-submit' }, 'Log in'),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void guarded(async () => {
      await login(id.value, secret.value);
      say('logged in');
      location.hash = '#/instances';
    });
  });
  app.replaceChildren(form);
}
