package dynamo

import "time"

// IgnoreTTL, passed as the time of a read (Get, Query, QueryAll, QueryPage), returns
// items whatever their TTL: for a store whose items' TTL is DynamoDB's backstop only
// and whose own rules end them (a sweep, an aggregation), so its reads see what is
// stored until it is deleted.
var IgnoreTTL = time.Time{}
