import { api, ApiResponse, bindTokenForm, nextPath, reveal } from '../../assets/form.js';

// The page to open afterwards is read before the token is taken out of the address.
const next = nextPath();

// Signing in waits for the button: mail scanners and link previews open the link
// on their own, and must not use it up.
bindTokenForm(document.getElementById('form'), {
  body: (token) => ({ token }),
  send: async (body) => {
    try {
      return await api('POST', '/v1/sessions/link/confirm', body);
    } catch (err) {
      if (err instanceof ApiResponse && err.problem?.code === 'token_invalid') return null;
      throw err;
    }
  },
  done: (session) => (session ? window.location.assign(next) : reveal('invalid')),
});
