// Viewer request (cloudfront-js-2.0): maps a path to the site bucket's object
// key as web.Resolve does (web/serve.go); a test runs it against web.Resolve.
// A path outside /de/, /en/ and /assets/ is redirected to the same path in the
// language Accept-Language prefers, the query kept; "/x/" is "x/index.html"; a
// last segment without a dot gets ".html"; a page the site lacks is the
// not-found page (S3 would answer 403, and a custom error response would also
// replace the API's own 403s).
var PAGES = [
  'de/index.html', 'de/signup.html', 'de/confirm.html', 'de/password/reset.html',
  'de/email/confirm.html', 'de/login.html', 'de/login/link.html', 'de/password/forgot.html',
  'de/imprint.html', 'de/privacy.html',
  'de/account.html', 'de/privacy-centre.html', 'de/contact.html',
  'de/processing.html',
  'de/insurance/register.html', 'de/insurance/activate.html', 'de/insurance/contracts.html', 'de/insurance/claims.html', 'de/insurance/claim.html',
  'de/admin/holds.html', 'de/admin/statistics.html',
  'de/admin/members.html', 'de/admin/security.html', 'de/staff/contract-imports.html', 'de/staff/contact-requests.html', 'de/staff/letters.html', 'de/contact/requests.html',
  'de/staff/claims.html', 'de/staff/claim.html',
  'de/network/profile.html', 'de/network/member.html',
  'de/network/groups.html', 'de/network/group.html', 'de/network/feed.html',
  'de/network/connections.html', 'de/network/search.html', 'de/network/messages.html', 'de/network/conversation.html',
  'de/classifieds/watchlist.html', 'de/classifieds/stats.html',
  'de/classifieds/advertiser.html', 'de/classifieds/ratings.html', 'de/classifieds/my-ratings.html', 'de/classifieds/rating-confirm.html',
  'de/classifieds/identity.html', 'de/classifieds/identity/return.html', 'de/classifieds/photos.html',
  'de/classifieds/replies.html', 'de/classifieds/reply.html',
  'de/classifieds/replies/withheld-review.html', 'de/classifieds/reply/no-reaction.html', 'de/classifieds/staff/withheld.html',
  'de/classifieds/plan.html', 'de/classifieds/plan/return.html',
  'de/classifieds/invoices.html',
  'de/listings.html', 'de/listings/listing.html', 'de/listings/new.html', 'de/listings/confirm.html', 'de/listings/mine.html',
  'de/classifieds/alerts.html', 'de/classifieds/alerts/new.html', 'de/classifieds/alerts/confirm.html',
  'en/index.html', 'en/signup.html', 'en/confirm.html', 'en/password/reset.html',
  'en/email/confirm.html', 'en/login.html', 'en/login/link.html', 'en/password/forgot.html',
  'en/imprint.html', 'en/privacy.html',
  'en/account.html', 'en/privacy-centre.html', 'en/contact.html',
  'en/processing.html',
  'en/insurance/register.html', 'en/insurance/activate.html', 'en/insurance/contracts.html', 'en/insurance/claims.html', 'en/insurance/claim.html',
  'en/admin/holds.html', 'en/admin/statistics.html',
  'en/admin/members.html', 'en/admin/security.html', 'en/staff/contract-imports.html', 'en/staff/contact-requests.html', 'en/staff/letters.html', 'en/contact/requests.html',
  'en/staff/claims.html', 'en/staff/claim.html',
  'en/network/profile.html', 'en/network/member.html',
  'en/network/groups.html', 'en/network/group.html', 'en/network/feed.html',
  'en/network/connections.html', 'en/network/search.html', 'en/network/messages.html', 'en/network/conversation.html',
  'en/classifieds/watchlist.html', 'en/classifieds/stats.html',
  'en/classifieds/advertiser.html', 'en/classifieds/ratings.html', 'en/classifieds/my-ratings.html', 'en/classifieds/rating-confirm.html',
  'en/classifieds/identity.html', 'en/classifieds/identity/return.html', 'en/classifieds/photos.html',
  'en/classifieds/replies.html', 'en/classifieds/reply.html',
  'en/classifieds/replies/withheld-review.html', 'en/classifieds/reply/no-reaction.html', 'en/classifieds/staff/withheld.html',
  'en/classifieds/plan.html', 'en/classifieds/plan/return.html',
  'en/classifieds/invoices.html',
  'en/listings.html', 'en/listings/listing.html', 'en/listings/new.html', 'en/listings/confirm.html', 'en/listings/mine.html',
  'en/classifieds/alerts.html', 'en/classifieds/alerts/new.html', 'en/classifieds/alerts/confirm.html'
];
var NOT_FOUND = '/404.html';

function parseQ(v) {
  var i = v.indexOf('.');
  var whole = i < 0 ? v : v.slice(0, i);
  var frac = i < 0 ? '' : v.slice(i + 1);
  if (whole === '1') return 1;
  if (whole !== '0') return 0;
  var q = 0, scale = 0.1;
  for (var k = 0; k < frac.length && k < 3; k++) {
    var c = frac.charCodeAt(k);
    if (c < 48 || c > 57) return 0;
    q += (c - 48) * scale;
    scale /= 10;
  }
  return q;
}

function preferredLanguage(header) {
  var best = 'de', bestQ = 0;
  var parts = header.split(',');
  for (var i = 0; i < parts.length; i++) {
    var part = parts[i].trim();
    var semi = part.indexOf(';');
    var tag = semi < 0 ? part : part.slice(0, semi);
    var params = semi < 0 ? '' : part.slice(semi + 1).trim();
    var base = tag.trim().toLowerCase();
    var dash = base.indexOf('-');
    if (dash >= 0) base = base.slice(0, dash);
    if (base !== 'de' && base !== 'en') continue;
    var q = params.indexOf('q=') === 0 ? parseQ(params.slice(2)) : 1;
    if (q > bestQ) { best = base; bestQ = q; }
  }
  return best;
}

function rawQuery(qs) {
  var out = [];
  for (var name in qs) {
    var values = qs[name].multiValue || [qs[name]];
    for (var i = 0; i < values.length; i++) {
      out.push(values[i].value === '' ? name : name + '=' + values[i].value);
    }
  }
  return out.join('&');
}

function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri.indexOf('/assets/') === 0) return request;
  var to = '';
  if (uri === '/de' || uri === '/en') {
    to = uri + '/';
  } else if (uri.indexOf('/de/') !== 0 && uri.indexOf('/en/') !== 0) {
    var al = request.headers['accept-language'];
    to = '/' + preferredLanguage(al ? al.value : '') + uri;
  }
  if (to !== '') {
    var query = rawQuery(request.querystring);
    return {
      statusCode: 302,
      statusDescription: 'Found',
      headers: {
        'location': { value: query === '' ? to : to + '?' + query },
        'cache-control': { value: 'no-store' }
      }
    };
  }
  var key = uri.slice(1);
  if (key.charAt(key.length - 1) === '/') {
    key += 'index.html';
  } else if (key.slice(key.lastIndexOf('/') + 1).indexOf('.') < 0) {
    key += '.html';
  }
  request.uri = PAGES.indexOf(key) >= 0 ? '/' + key : NOT_FOUND;
  return request;
}
