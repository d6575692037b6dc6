package requestlog

// RouteCount is the requests of one route and status class on a day.
type RouteCount struct {
	Route       string `json:"route"`
	StatusClass string `json:"statusClass"`
	Count       int64  `json:"count"`
}

// NamedCount is a count for a feature or a resource.
type NamedCount struct {
	Name  string `json:"name"`
	Count int64  `json:"count"`
}

// DayStats are one day's anonymous statistics.
type DayStats struct {
	Day      string       `json:"day"`
	Routes   []RouteCount `json:"routes"`
	Features []NamedCount `json:"features"`
	// Visitors are distinct visitors per viewed public resource (HGK-13); for a day
	// that is not closed yet they are counted from the day's pseudonyms.
	Visitors []NamedCount `json:"visitors"`
	Closed   bool         `json:"closed"`
}

// MaxStatsDays bounds one statistics request.
const MaxStatsDays = 92
