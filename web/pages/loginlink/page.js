import { api, ApiResponse, bindForm, nextPath, reveal, takeToken } from '../../assets/form.js';

// The page to open afterwards is read before takeToken clears the address.
const next = nextPath();
const token = takeToken();
const form = document.getElementById('form');

// Signing in waits for the button: mail scanners and link previews open the link
// on their own, and must not use it up.
if (!token) {
  reveal('no-token');
} else {
  bindForm(form, {
    body: () => ({ token }),
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
}
