package bench

import (
	"bytes"
	"os"
	"path/filepath"
	"time"

	"kontor/shared/spam"
)

// SpamTimeRounds is how often the model is loaded and the reply set classified:
// the medians of that many rounds are reported.
const SpamTimeRounds = 15

// SpamTimeResult is what the reply spam filter costs the replies function: the
// model's load (gunzip and parse, once per Lambda instance at its start) and the
// classification of one reply (tokenizing included), measured in process over
// the hand-written reply set (shared/spam/replies.tsv), so it can be set beside
// RepliesFunction's cold-start init of the same run.
type SpamTimeResult struct {
	Replies   int           `json:"replies"`
	Rounds    int           `json:"rounds"`
	ModelLoad time.Duration `json:"modelLoadMedianNs"`
	PerReply  time.Duration `json:"perReplyMedianNs"`
}

// SpamTime measures the shipped model's load and the time per reply with
// spam.Shipped and the default thresholds.
func SpamTime(root string) (SpamTimeResult, error) {
	b, err := os.ReadFile(filepath.Join(root, "shared", "spam", "replies.tsv")) // #nosec G304 -- the repository's own file
	if err != nil {
		return SpamTimeResult{}, err
	}
	set, err := spam.ReadLabeled(bytes.NewReader(b))
	if err != nil {
		return SpamTimeResult{}, err
	}
	file := spam.ShippedModelFile()
	loads := make([]time.Duration, SpamTimeRounds)
	for i := range loads {
		began := time.Now()
		m, err := spam.ReadModel(bytes.NewReader(file))
		if err != nil {
			return SpamTimeResult{}, err
		}
		if _, err := spam.New(m, spam.DefaultThresholds); err != nil {
			return SpamTimeResult{}, err
		}
		loads[i] = time.Since(began)
	}
	f, err := spam.Shipped(spam.DefaultThresholds)
	if err != nil {
		return SpamTimeResult{}, err
	}
	per := make([]time.Duration, SpamTimeRounds)
	for i := range per {
		began := time.Now()
		for _, r := range set {
			f.Classify(r.Text, r.Meta)
		}
		per[i] = time.Since(began) / time.Duration(len(set))
	}
	return SpamTimeResult{Replies: len(set), Rounds: SpamTimeRounds, ModelLoad: summarize(loads, 0, 0).P50, PerReply: summarize(per, 0, 0).P50}, nil
}
