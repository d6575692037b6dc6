// Sending a file straight to a bucket, as the upload pages do (the claim page's
// invoices, the network profile page's picture, the group page's files on
// posts): the file is checked against the policy the page carries (data-types,
// data-max-bytes, optionally data-image-max-bytes on the form) before
// anything is sent, declared to the API, put to the presigned URL it answered
// with (its signed headers, with progress), then checked by the API. Texts are
// the page's js.upload.* and js.reason.<code> messages.
import { ApiResponse, bindForm, t } from './form.js';
import { onField } from './signedin.js';

// A type the browser does not know (an empty File.type) is taken from the name.
const byExtension = {
  pdf: 'application/pdf', jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  odt: 'application/vnd.oasis.opendocument.text',
  ods: 'application/vnd.oasis.opendocument.spreadsheet',
  odp: 'application/vnd.oasis.opendocument.presentation',
};

/** fileType is the file's content type as the browser or its name tells it. */
function fileType(file) {
  return file.type || byExtension[file.name.split('.').pop().toLowerCase()] || '';
}

/** refuse throws what the page says about the file before anything is sent. */
function refuse(key, file) {
  throw new ApiResponse({ status: 400, headers: new Headers() }, { errors: [{ field: 'file', code: key, message: t(`js.upload.${key}`, { name: file?.name }) }] });
}

/**
 * checkFile refuses a file the form's policy would refuse, before the upload:
 * its type among data-types, its size within data-max-bytes (images within
 * data-image-max-bytes where the form has it).
 */
function checkFile(form, file) {
  if (!file) refuse('choose');
  const type = fileType(file);
  if (!form.dataset.types.split(',').includes(type)) refuse('type', file);
  const image = type.startsWith('image/') && form.dataset.imageMaxBytes;
  if (file.size > Number(image ? form.dataset.imageMaxBytes : form.dataset.maxBytes)) refuse(image ? 'imageSize' : 'size', file);
  if (file.size === 0) refuse('empty', file);
}

/**
 * put sends the file to the presigned upload with its signed headers (the
 * browser sets Content-Length itself) and reports progress in percent.
 */
function put(upload, file, progress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(upload.method, upload.url);
    for (const [k, v] of Object.entries(upload.headers)) {
      if (!['content-length', 'host'].includes(k.toLowerCase())) xhr.setRequestHeader(k, v);
    }
    xhr.upload.addEventListener('progress', (ev) => { if (ev.lengthComputable) progress(Math.round((100 * ev.loaded) / ev.total)); });
    xhr.addEventListener('load', () => (xhr.status >= 200 && xhr.status < 300 ? resolve() : reject(new Error(`upload ${xhr.status}`))));
    xhr.addEventListener('error', () => reject(new Error('upload failed')));
    xhr.send(file);
  });
}

/**
 * progressReporter moves the bar and announces the progress in the status,
 * once a quarter (not at every event, which a screen reader would read out).
 * reset() starts it again for the next file.
 */
function progressReporter(bar, status) {
  let step = -1;
  const report = (name, percent) => {
    bar.value = percent;
    if (Math.floor(percent / 25) !== step) {
      step = Math.floor(percent / 25);
      status.textContent = t('js.upload.sending', { name, percent });
    }
  };
  report.reset = () => { step = -1; };
  return report;
}

/**
 * fileProblem returns what a page does with a problem of the upload's calls:
 * one whose code is in codes is about the file itself and goes on the file
 * field in the page's own words (js.reason.<code>, since the API answers in the
 * account's language, which may not be the page's); refused(reason) words a
 * refusal after the upload. Others pass unchanged.
 */
export function fileProblem(codes) {
  return (err, refused) => {
    const code = err instanceof ApiResponse ? err.problem?.code : '';
    if (codes.includes(code)) {
      const reason = t(`js.reason.${code}`);
      err.problem.detail = refused ? refused(reason) : reason;
      return onField(err, code, 'file');
    }
    return err;
  };
}

/** pageParts are the page's one upload form's progress area, bar and status. */
function pageParts() {
  const $ = (id) => document.getElementById(id);
  return { area: $('progress-area'), bar: $('upload-progress'), status: $('upload-status') };
}

/**
 * bindUpload makes the form (#file, #progress-area with #upload-progress,
 * #upload-status; a form of several on a page gives its own as parts) upload one file: checked here, declared (declare(file, type)
 * answers {upload, …}), sent with progress, checked (complete(declared)
 * answers what done(answer, name) gets). problem is a fileProblem; failed()
 * runs when a declared upload failed after (its entry may be gone); before()
 * runs at each attempt.
 */
export function bindUpload(form, { declare, complete, problem, done, failed = async () => {}, before = () => {}, parts = pageParts() }) {
  const input = form.querySelector('input[type="file"]');
  const { status, area } = parts;
  const progress = progressReporter(parts.bar, status);
  bindForm(form, {
    body: () => {
      const f = input.files[0];
      return f ? { name: f.name, size: f.size, lastModified: f.lastModified } : {};
    },
    send: async () => {
      const file = input.files[0];
      before();
      checkFile(form, file);
      const { name } = file;
      progress.reset();
      let declared = null;
      try {
        declared = await declare(file, fileType(file)).catch((err) => { throw problem(err); });
        area.hidden = false;
        progress(name, 0);
        await put(declared.upload, file, (p) => progress(name, p)).catch(() => refuse('failed', file));
        status.textContent = t('js.upload.checking', { name });
        const answer = await complete(declared).catch((err) => { throw problem(err, (reason) => t('js.upload.refused', { name, reason })); });
        return { answer, name };
      } catch (err) {
        status.textContent = '';
        if (declared) await failed().catch(() => {});
        throw err;
      } finally {
        area.hidden = true;
      }
    },
    done: async ({ answer, name }) => {
      form.reset();
      status.textContent = '';
      await done(answer, name);
    },
  });
}
