package network

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"kontor/shared/problem"
	"kontor/shared/upload"
)

// memPictures keeps picture records in memory with the version condition of the
// real store; meanwhile, when set, runs once before the next write, as another
// request writing at the same moment.
type memPictures struct {
	records   map[string]Pictures
	meanwhile func(p *Pictures)
}

func (m *memPictures) GetPictures(_ context.Context, id string) (Pictures, error) {
	return m.records[id], nil
}

func (m *memPictures) PutPictures(_ context.Context, id string, p Pictures, prev int) error {
	if f := m.meanwhile; f != nil {
		m.meanwhile = nil
		cur := m.records[id]
		f(&cur)
		cur.Version++
		m.records[id] = cur
	}
	if m.records[id].Version != prev {
		return ErrConflict
	}
	m.records[id] = p
	return nil
}

func (m *memPictures) DeletePictures(_ context.Context, id string) error {
	delete(m.records, id)
	return nil
}

const testKey = "arn:aws:kms:eu-central-1:123456789012:key/k-network"

// memObjects is the picture bucket in memory; what a client sends is put with
// send, encrypted with the module's key.
type memObjects struct {
	mu      sync.Mutex
	objects map[string][]byte
}

func (m *memObjects) send(key string, body []byte) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.objects[key] = body
}

func (m *memObjects) keys() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []string
	for k := range m.objects {
		out = append(out, k)
	}
	return out
}

func (m *memObjects) PresignPut(_ context.Context, key string, _ int64, _ string, _ map[string]string, ttl time.Duration) (upload.URL, error) {
	return upload.URL{URL: "mem://" + key, Method: http.MethodPut, ExpiresAt: time.Now().Add(ttl)}, nil
}

func (m *memObjects) Get(_ context.Context, key string, limit int64) ([]byte, upload.Info, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, ok := m.objects[key]
	if !ok {
		return nil, upload.Info{}, upload.ErrNoObject
	}
	info := upload.Info{Size: int64(len(b)), SSE: "aws:kms", KeyARN: testKey}
	if info.Size > limit {
		return nil, info, nil
	}
	return b, info, nil
}

func (m *memObjects) PutChecked(_ context.Context, key, _ string, body []byte, _ map[string]string) error {
	m.send(key, body)
	return nil
}

func (m *memObjects) Delete(_ context.Context, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.objects, key)
	return nil
}

func (m *memObjects) DeleteUnder(_ context.Context, prefix string, _ time.Time) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for k := range m.objects {
		if strings.HasPrefix(k, prefix) {
			delete(m.objects, k)
			n++
		}
	}
	return n, nil
}

func (m *memObjects) PresignGet(context.Context, string, string, string, time.Duration) (string, error) {
	return "", nil
}

func (m *memObjects) KeyARN() string { return testKey }

func newPictures() (*PictureService, *memPictures, *memObjects) {
	st, objs := &memPictures{records: map[string]Pictures{}}, &memObjects{objects: map[string][]byte{}}
	return &PictureService{Store: st, Objects: objs, Now: func() time.Time { return time.Now().UTC() }}, st, objs
}

func smallPNG(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewRGBA(image.Rect(0, 0, 8, 8))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// declared declares data as a PNG for account a1 and sends it; it returns the
// picture's id.
func declared(t *testing.T, svc *PictureService, objs *memObjects, data []byte) string {
	t.Helper()
	up, err := svc.Declare(context.Background(), "a1", upload.TypePNG, int64(len(data)), VoluntaryVersion)
	if err != nil {
		t.Fatal(err)
	}
	key := strings.TrimPrefix(up.URL, "mem://")
	objs.send(key, data)
	return key[strings.LastIndex(key, "/")+1:]
}

func wantProblem(t *testing.T, err error, status int, code problem.Code) {
	t.Helper()
	if p, ok := problem.As(err); !ok || p.Status != status || p.Code != code {
		t.Fatalf("%v, want %d %s", err, status, code.ID)
	}
}

// Each write of the picture record is conditioned on the version it read: a
// declaration that meets another one written at the same moment reads again and
// wins (as the later of the two), dropping the other's upload.
func TestDeclarationMeetingAnotherReadsAgain(t *testing.T) {
	svc, st, objs := newPictures()
	ctx := context.Background()
	other := Picture{ID: "other", ContentType: upload.TypePNG, Size: 10}
	objs.send(pictureTarget("a1", other.ID).Staging, []byte("sent for the other"))
	st.meanwhile = func(p *Pictures) { p.Pending = &other }
	id := declared(t, svc, objs, smallPNG(t))
	got := st.records["a1"]
	if got.Pending == nil || got.Pending.ID != id || got.Version != 2 {
		t.Fatalf("record %+v, want our declaration at version 2", got)
	}
	if _, _, err := objs.Get(ctx, pictureTarget("a1", other.ID).Staging, 100); err == nil {
		t.Fatal("the other declaration's upload was kept")
	}
	// Every try meets another write: 409 after pictureWrites tries, the record as
	// the others left it.
	tries := 0
	err := svc.update(ctx, "a1", func(p *Pictures) (bool, error) {
		tries++
		p.Pending = nil
		st.meanwhile = func(*Pictures) {}
		return true, nil
	})
	wantProblem(t, err, http.StatusConflict, problem.CodeConflict)
	if got := st.records["a1"]; tries != pictureWrites || got.Pending == nil || got.Pending.ID != id {
		t.Fatalf("%d tries, record %+v", tries, got)
	}
}

// A completion whose record changed meanwhile: the same picture completed by a
// concurrent request is done; a picture declared anew (or removed) meanwhile is
// 409 picture_not_declared, its stored sizes deleted, the new declaration kept.
func TestCompletionMeetingAnotherWrite(t *testing.T) {
	ctx := context.Background()
	t.Run("completed at the same moment", func(t *testing.T) {
		svc, st, objs := newPictures()
		id := declared(t, svc, objs, smallPNG(t))
		st.meanwhile = func(p *Pictures) { p.Current, p.Pending = p.Pending, nil }
		if err := svc.Complete(ctx, "a1", VoluntaryVersion); err != nil {
			t.Fatal(err)
		}
		if got := st.records["a1"]; got.Current == nil || got.Current.ID != id || got.Pending != nil {
			t.Fatalf("record %+v", got)
		}
		if n := len(objs.keys()); n != 2 {
			t.Fatalf("objects %v, want the two sizes", objs.keys())
		}
	})
	t.Run("declared anew meanwhile", func(t *testing.T) {
		svc, st, objs := newPictures()
		declared(t, svc, objs, smallPNG(t))
		newer := Picture{ID: "newer", ContentType: upload.TypePNG, Size: 10}
		st.meanwhile = func(p *Pictures) { p.Pending = &newer }
		wantProblem(t, svc.Complete(ctx, "a1", VoluntaryVersion), http.StatusConflict, CodePictureNotDeclared)
		if got := st.records["a1"]; got.Current != nil || got.Pending == nil || got.Pending.ID != "newer" {
			t.Fatalf("record %+v, want the newer declaration kept", got)
		}
		if keys := objs.keys(); len(keys) != 0 {
			t.Fatalf("objects %v, want none", keys)
		}
	})
}
