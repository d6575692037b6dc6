// Viewer request (cloudfront-js-2.0) on /v1/*: hands the viewer's address to the
// API in x-kontor-viewer-address, replacing whatever a viewer sent under that name.
// The API believes it only together with x-kontor-origin, the origin custom header
// the distribution adds (shared/httpapi/viewer.go).
function handler(event) {
  var request = event.request;
  request.headers['x-kontor-viewer-address'] = { value: event.viewer.ip };
  return request;
}
