package web

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"strings"

	"kontor/shared/httpapi"
)

// CSP is the site's Content-Security-Policy: its own scripts, styles, images and
// API only; no inline script or style, no framing, forms only to the site.
// template.yaml's response-headers policy states the same (a test holds them
// together).
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// HSTS is the site's Strict-Transport-Security header.
const HSTS = "max-age=63072000; includeSubDomains"

// StoragePage is a page that reaches a bucket on the bucket's own origin through
// presigned links: it sends files there (a presigned PUT: connect-src) or shows
// pictures from there (presigned GETs in <img>: img-src). Only its policy adds
// that origin (StoragePage.CSP); template.yaml serves it through a cache behaviour
// of its own with the headers policy Policy, whose CSP names Bucket (a test holds
// the two together), the stand-in site through Site.Storage.
type StoragePage struct {
	Path   string // after /<lang>/
	Bucket string // the bucket's logical id in template.yaml
	Policy string // the distribution's response headers policy for the page
	Upload bool   // sends files to the bucket
	Images bool   // shows pictures from the bucket
}

// StoragePages are the pages that reach a bucket: the claim page sends invoices;
// the network's profile page sends the member's picture and shows it, the member
// page shows another member's; the group page sends files attached to posts
// (downloads are navigations to presigned links, which connect-src does not govern).
var StoragePages = []StoragePage{
	{Path: "insurance/claim", Bucket: "InvoiceBucket", Policy: "SiteUploadHeadersPolicy", Upload: true},
	{Path: "network/profile", Bucket: "PictureBucket", Policy: "SitePictureUploadHeadersPolicy", Upload: true, Images: true},
	{Path: "network/member", Bucket: "PictureBucket", Policy: "SitePictureHeadersPolicy", Images: true},
	{Path: "network/group", Bucket: "PictureBucket", Policy: "SiteGroupUploadHeadersPolicy", Upload: true},
	// The classifieds' photos page sends a listing's photos and shows them.
	{Path: "classifieds/photos", Bucket: "ClassifiedsPhotoBucket", Policy: "SiteListingPhotosHeadersPolicy", Upload: true, Images: true},
	// The public listing page shows the listing's photos (presigned GETs).
	{Path: "listings/listing", Bucket: "ClassifiedsPhotoBucket", Policy: "SiteListingHeadersPolicy", Images: true},
}

// CSP is the site's CSP with the bucket's origin added where the page needs it.
func (p StoragePage) CSP(origin string) string {
	csp := CSP
	if p.Upload {
		csp = CSPWithStorage(origin)
	}
	if p.Images {
		csp = strings.Replace(csp, "img-src 'self'", "img-src 'self' "+origin, 1)
	}
	return csp
}

// CSPWithStorage is CSP with the storage origin added to connect-src, for the
// upload pages only.
func CSPWithStorage(origin string) string {
	return strings.Replace(CSP, "connect-src 'self'", "connect-src 'self' "+origin, 1)
}

// Headers are the security headers of every response of the site.
func Headers() map[string]string {
	return map[string]string{
		"Content-Security-Policy":   CSP,
		"Strict-Transport-Security": HSTS,
		"Referrer-Policy":           "no-referrer",
		"X-Content-Type-Options":    "nosniff",
		"X-Frame-Options":           "DENY",
	}
}

// Resolve maps a request path to the site's object key, as the viewer-request
// function of the CloudFront distribution does (template.yaml, SiteRouterFunction):
// a path outside /de/, /en/ and /assets/ (the site's root, or a language-neutral
// link such as a mailed /confirm?token=…) is redirected to the same path in the
// language Accept-Language prefers; "/x/" is "x/index.html"; a last segment without
// a dot gets ".html".
func Resolve(path, acceptLanguage string) (key, redirect string) {
	switch {
	case strings.HasPrefix(path, "/assets/"):
		return strings.TrimPrefix(path, "/"), ""
	case path == "/de" || path == "/en":
		return "", path + "/"
	case !strings.HasPrefix(path, "/de/") && !strings.HasPrefix(path, "/en/"):
		return "", "/" + PreferredLanguage(acceptLanguage) + path
	}
	key = strings.TrimPrefix(path, "/")
	if strings.HasSuffix(key, "/") {
		return key + "index.html", ""
	}
	if last := key[strings.LastIndex(key, "/")+1:]; !strings.Contains(last, ".") {
		key += ".html"
	}
	return key, ""
}

// PreferredLanguage is the site language Accept-Language ranks highest (q-values
// respected, the earlier of equals), else the default: as the API negotiates it.
func PreferredLanguage(acceptLanguage string) string {
	return httpapi.PreferredLang(acceptLanguage)
}

// Handler serves the site on GET and HEAD as the deployed distribution does: the
// security headers on every answer, redirects as Resolve says (the query kept),
// the not-found page (NotFoundKey) with 404 for a key the site does not hold, and
// compressed as the distribution compresses (see compressible).
func (s *Site) Handler() http.Handler {
	gzipped := s.gzipped()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for k, v := range Headers() {
			w.Header().Set(k, v)
		}
		if p, ok := storagePage(r.URL.Path); ok && s.Storage != "" {
			w.Header().Set("Content-Security-Policy", p.CSP(s.Storage))
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		key, redirect := Resolve(r.URL.Path, r.Header.Get("Accept-Language"))
		if redirect != "" {
			if r.URL.RawQuery != "" {
				redirect += "?" + r.URL.RawQuery
			}
			w.Header().Set("Cache-Control", "no-store")
			http.Redirect(w, r, redirect, http.StatusFound) // #nosec G710 -- Resolve answers "/de" or "/en" + the request's own path: always a path of this site
			return
		}
		f, ok := s.Files[key]
		if !ok {
			// A page path the site lacks gets the not-found page, as the viewer-request
			// function sends it there; a missing asset is refused plainly (deployed, by
			// S3's 403: the function cannot know which fingerprints exist).
			if f, ok = s.Files[NotFoundKey]; !ok || strings.HasPrefix(key, "assets/") {
				http.Error(w, "not found", http.StatusNotFound)
				return
			}
		}
		w.Header().Set("Content-Type", f.ContentType)
		w.Header().Set("Cache-Control", f.CacheControl)
		body := f.Body
		if z, ok := gzipped[key]; ok {
			w.Header().Set("Vary", "Accept-Encoding")
			if acceptsGzip(r.Header.Get("Accept-Encoding")) {
				w.Header().Set("Content-Encoding", "gzip")
				body = z
			}
		}
		if f.Status != 0 {
			w.WriteHeader(f.Status)
		}
		if r.Method == http.MethodHead {
			return
		}
		_, _ = w.Write(body)
	})
}

// compressible says whether the distribution compresses a file: CloudFront
// compresses answers of 1,000 to 10,000,000 bytes of the text types among its
// list (HTML, CSS, JavaScript, JSON, SVG, …) when the viewer accepts it
// (SiteDistribution, Compress: true).
func compressible(f File) bool {
	if len(f.Body) < 1000 || len(f.Body) > 10_000_000 {
		return false
	}
	for _, t := range []string{"text/", "application/javascript", "application/json", "image/svg+xml"} {
		if strings.HasPrefix(f.ContentType, t) {
			return true
		}
	}
	return false
}

// gzipped returns every compressible file gzipped at the best compression, by key,
// made once so that serving costs nothing. The stand-in sends gzip only: the
// managed cache policy of the distribution also allows Brotli, which CloudFront
// prefers when the viewer accepts both, so deployed bytes are a little smaller.
func (s *Site) gzipped() map[string][]byte {
	out := map[string][]byte{}
	for key, f := range s.Files {
		if compressible(f) {
			out[key] = gzipBytes(f.Body)
		}
	}
	return out
}

// acceptsGzip reads Accept-Encoding: gzip listed without q=0.
func acceptsGzip(header string) bool {
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(name), "gzip") {
			q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
			return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
		}
	}
	return false
}

// gzipBytes is b gzipped at the best compression.
func gzipBytes(b []byte) []byte {
	var buf bytes.Buffer
	z, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression) // the level is valid
	_, _ = z.Write(b)                                       // a bytes.Buffer does not fail
	_ = z.Close()
	return buf.Bytes()
}

// storagePage returns the StoragePage path is, in a site language.
func storagePage(path string) (StoragePage, bool) {
	for _, l := range Languages {
		for _, p := range StoragePages {
			if path == "/"+l+"/"+p.Path {
				return p, true
			}
		}
	}
	return StoragePage{}, false
}
