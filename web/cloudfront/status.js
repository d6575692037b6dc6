// Viewer response (cloudfront-js-2.0): an object stored with the metadata
// kontor-status (web.StatusMetadata: the not-found page, 404) is answered with
// that status; S3 answers 200 for every object it holds.
function handler(event) {
  var response = event.response;
  var status = response.headers['x-amz-meta-kontor-status'];
  if (status) {
    response.statusCode = parseInt(status.value, 10);
    response.statusDescription = response.statusCode === 404 ? 'Not Found' : '';
    delete response.headers['x-amz-meta-kontor-status'];
  }
  return response;
}
