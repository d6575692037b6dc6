package template

import "testing"

// Promise: HKC-5 — the picture bucket encrypts with the network's own key, keeps no
// versions of removed pictures, and its policy denies plain HTTP and any put that is
// not SSE-KMS with that key. (moto cannot evaluate policy conditions.)
func TestPictureBucketPolicyDeniesPlainHTTPAndForeignKeys(t *testing.T) {
	bucketDeniesPlainHTTPAndForeignKeys(t, "PictureBucket", "NetworkKey")
}

// Promise: HKC-5 — the account administers the network key without using it; S3
// uses it for pictures only on behalf of the network function and the network
// privacy function, exactly as their own policies ask.
func TestNetworkKeyIsUsedOnlyByItsFunctions(t *testing.T) {
	keyUsedOnlyByItsFunctions(t, "NetworkKey")
}
