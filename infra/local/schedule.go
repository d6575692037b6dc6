package local

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"kontor/infra/template"
)

// rate parses "rate(5 minutes)"; cron expressions run only when triggered by hand.
func rate(expr string) (time.Duration, bool) {
	inner, ok := strings.CutPrefix(strings.TrimSpace(expr), "rate(")
	if !ok {
		return 0, false
	}
	fields := strings.Fields(strings.TrimSuffix(inner, ")"))
	if len(fields) != 2 {
		return 0, false
	}
	n, err := strconv.Atoi(fields[0])
	if err != nil || n <= 0 {
		return 0, false
	}
	switch strings.TrimSuffix(fields[1], "s") {
	case "minute":
		return time.Duration(n) * time.Minute, true
	case "hour":
		return time.Duration(n) * time.Hour, true
	case "day":
		return time.Duration(n) * 24 * time.Hour, true
	}
	return 0, false
}

// scheduledEvent is the event EventBridge delivers for a schedule.
func scheduledEvent(f template.Function, s template.Schedule) []byte {
	b, _ := json.Marshal(map[string]any{
		"version": "0", "id": requestID(), "detail-type": "Scheduled Event", "source": "aws.events",
		"account": Account, "time": time.Now().UTC().Format(time.RFC3339), "region": Region,
		"resources": []string{fmt.Sprintf("arn:aws:events:%s:%s:rule/kontor-%s-%s", Region, Account, f.LogicalID, s.Name)},
		"detail":    map[string]any{},
	})
	return b
}

func (s *Stack) runSchedules() {
	for _, f := range s.tpl.Functions {
		for _, sc := range f.Schedules {
			every, ok := rate(sc.Expression)
			if !ok {
				continue
			}
			s.schWG.Add(1)
			go func() {
				defer s.schWG.Done()
				t := time.NewTicker(every)
				defer t.Stop()
				for {
					select {
					case <-s.stopSch:
						return
					case <-t.C:
						s.runScheduled(f, sc)
					}
				}
			}()
		}
	}
}

// runScheduled invokes a function for one tick of its schedule. Like an
// asynchronous invocation in Lambda, an event the function fails on goes to its
// dead-letter queue when it has one.
func (s *Stack) runScheduled(f template.Function, sc template.Schedule) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Duration(f.Timeout+5)*time.Second)
	defer cancel()
	event := scheduledEvent(f, sc)
	_, err := s.Invoke(ctx, f.LogicalID, event)
	if err == nil {
		return
	}
	fmt.Fprintf(s.logs, "[schedule] %s: %v\n", f.LogicalID, err)
	if f.DeadLetterQueue != "" {
		if err := s.deadLetter(ctx, f.DeadLetterQueue, string(event)); err != nil {
			fmt.Fprintf(s.logs, "[schedule] %s: %v\n", f.LogicalID, err)
		}
	}
}

func (s *Stack) trigger(ctx context.Context, logicalID string) ([]byte, error) {
	f, ok := s.tpl.Function(logicalID)
	if !ok || len(f.Schedules) == 0 {
		return nil, fmt.Errorf("%s is not a scheduled function of template.yaml", logicalID)
	}
	return s.Invoke(ctx, f.LogicalID, scheduledEvent(f, f.Schedules[0]))
}

// TriggerSchedule runs a scheduled function once, as its schedule would.
func (s *Stack) TriggerSchedule(ctx context.Context, logicalID string) error {
	_, err := s.trigger(ctx, logicalID)
	return err
}
