package integration

import (
	"context"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"kontor/shared/network/networkdb"
	uploads "kontor/shared/upload"
)

// Declarations of a picture sent at the same moment (four tabs of one session)
// each write the picture record on the version they read: none is lost without a
// trace. Every declaration answered 201 counted one write (the record's version),
// the record's pending picture is one of theirs, and that one completes.
func TestNetworkPictureDeclarationsAtOnceKeepTheRecordConsistent(t *testing.T) {
	c, id := pictureMember(t)
	const tabs = 4
	answers := make([]response, tabs)
	var wg sync.WaitGroup
	for i := range tabs {
		tab := *c
		tab.cookies = maps.Clone(c.cookies)
		wg.Go(func() {
			answers[i] = tab.do(http.MethodPut, "/v1/me/profile/picture", map[string]any{"contentType": "image/jpeg", "size": len(jpegFile)})
		})
	}
	wg.Wait()
	var ups []uploads.URL
	for _, r := range answers {
		if r.Status == http.StatusConflict {
			continue // changed meanwhile at every try: the page says to try again
		}
		want(t, r, http.StatusCreated)
		var np struct {
			Upload uploads.URL `json:"upload"`
		}
		r.json(t, &np)
		ups = append(ups, np.Upload)
	}
	st := &networkdb.Store{DB: db(), Table: stack.Name("NetworkTable")}
	rec, err := st.GetPictures(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Version != len(ups) || rec.Pending == nil || len(ups) == 0 {
		t.Fatalf("record %+v after %d declarations answered 201", rec, len(ups))
	}
	i := slices.IndexFunc(ups, func(u uploads.URL) bool { return strings.Contains(u.URL, rec.Pending.ID) })
	if i < 0 {
		t.Fatalf("the pending picture %s is none of the declarations answered", rec.Pending.ID)
	}
	put(t, ups[i], jpegFile)
	want(t, c.do(http.MethodPost, "/v1/me/profile/picture/complete", nil), http.StatusOK)
	if rec, _ = st.GetPictures(context.Background(), id); rec.Current == nil || rec.Pending != nil || rec.Version != len(ups)+1 {
		t.Fatalf("after completion: %+v", rec)
	}
	wantPictureSizes(t, pictureObjects(t, id))
}
