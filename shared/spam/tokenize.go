package spam

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Meta is what a reply carries beside its text: the name and email address the
// replier gave. Both feed the classifier (the address's domain as a token), neither is
// kept by it.
type Meta struct {
	Name  string
	Email string
}

// TokenizerVersion is written into every model: a model is only read by the
// tokenizer it was trained with. Raise it with every change to what Tokenize returns,
// and retrain (make spam-model).
const TokenizerVersion = 1

// Word tokens shorter than minWord are dropped (SpamBayes: "a", "an", "of" carry
// nothing); longer than maxWord they become a "skip:" token of their first letter and
// length class, as in SpamBayes, so that base64 junk and pasted hashes don't each
// become a token of their own. maxWord is larger than SpamBayes's 12 because German
// compounds ("Mitsegelgelegenheit") are real words.
const (
	minWord = 3
	maxWord = 24
)

var (
	urlPattern = regexp.MustCompile(`(?i)\b(?:https?://|www\.)[^\s<>"'()\[\]{}]+`)
	// An address written into the text (the replier's own, given as meta, is
	// tokenized apart).
	mailPattern = regexp.MustCompile(`(?i)\b[a-z0-9._%+-]+@([a-z0-9-]+(?:\.[a-z0-9-]+)+)\b`)
	// Lines of a body that look like mail headers: either a forwarded mail or an
	// attempt to inject headers through a form field.
	headerLine = regexp.MustCompile(`(?im)^[ \t>]*(bcc|cc|to|from|subject|reply-to|content-type|mime-version|content-transfer-encoding|x-mailer)[ \t]*:`)
	// Amounts of money in either order of sign and figure, in the currencies and
	// words replies and spam use.
	moneyPattern = regexp.MustCompile(`(?i)(?:[$€£]\s?\d[\d.,]*|\d[\d.,]*\s?(?:[$€£]|eur\b|euro\b|usd\b|dollars?\b|gbp\b|pounds?\b|mio\b|million\b|millionen\b|k\b))`)
	// Bitcoin (legacy and bech32) and Ethereum wallet addresses.
	walletPattern = regexp.MustCompile(`\b(?:bc1[a-z0-9]{25,59}|[13][a-km-zA-HJ-NP-Z1-9]{25,34}|0x[0-9a-fA-F]{40})\b`)
	percentage    = regexp.MustCompile(`\d\s?%`)
	phonePattern  = regexp.MustCompile(`(?:\+|00)\d[\d \-/]{7,}\d`)
)

// fold maps German and other Latin letters with diacritics to their ASCII spelling
// ("Größe" and "Groesse" are one token), after lower-casing.
var fold = strings.NewReplacer(
	"ä", "ae", "ö", "oe", "ü", "ue", "ß", "ss",
	"à", "a", "á", "a", "â", "a", "å", "a", "ç", "c",
	"è", "e", "é", "e", "ê", "e", "ë", "e", "ì", "i", "í", "i", "î", "i", "ï", "i",
	"ñ", "n", "ò", "o", "ó", "o", "ô", "o", "ø", "o", "ù", "u", "ú", "u", "û", "u",
)

// Tokenize turns a reply (or a training mail's subject and body) into the set of its
// tokens: folded words, and structural features named with a prefix ("url:",
// "links:", "hdr:", "caps:", "money", "wallet", "repeat:", "from:"). Each token is
// returned once (SpamBayes counts a token once a message).
func Tokenize(text string, meta Meta) []string {
	t := tokenSet{seen: map[string]bool{}}
	text = strings.ToValidUTF8(text, " ")
	t.structure(text)
	rest := t.links(text)
	rest = t.addresses(rest)
	t.words(fold.Replace(strings.ToLower(rest)), "")
	t.sender(meta)
	return t.list
}

type tokenSet struct {
	seen map[string]bool
	list []string
}

func (t *tokenSet) add(tok string) {
	if !t.seen[tok] {
		t.seen[tok] = true
		t.list = append(t.list, tok)
	}
}

// links adds a token per linked host and registrable domain and the number of links
// in classes, and returns the text without the links so their parts don't become
// words.
func (t *tokenSet) links(text string) string {
	var found []string
	if lower := strings.ToLower(text); strings.Contains(lower, "http") || strings.Contains(lower, "www.") {
		found = urlPattern.FindAllString(text, -1)
	}
	t.add("links:" + countClass(len(found)))
	for _, raw := range found {
		if !strings.Contains(raw, "://") {
			raw = "http://" + raw
		}
		u, err := url.Parse(strings.TrimRight(raw, ".,;:!?"))
		if err != nil || u.Hostname() == "" {
			t.add("url:unparsable")
			continue
		}
		host := strings.ToLower(u.Hostname())
		t.add("url:host:" + host)
		t.add("url:dom:" + registrable(host))
		t.add("url:tld:" + tld(host))
		if isIP(host) {
			t.add("url:ip")
		}
		if u.Port() != "" {
			t.add("url:port")
		}
		if strings.Contains(raw, "@") {
			t.add("url:at")
		}
		if len(u.Path) > 1 {
			t.add("url:path")
		}
		// The words of the host and path ("casino", "bonus", "login"), as SpamBayes
		// does: a new spam domain is made of old spam words.
		for _, w := range strings.FieldsFunc(strings.ToLower(host+"/"+u.Path), notURLWordRune) {
			if len(w) >= minWord && len(w) <= maxWord && !isDigits(w) {
				t.add("url:" + w)
			}
		}
	}
	if len(found) == 0 {
		return text
	}
	return urlPattern.ReplaceAllString(text, " ")
}

// addresses adds the domains of mail addresses written into the text.
func (t *tokenSet) addresses(text string) string {
	if strings.IndexByte(text, '@') < 0 {
		return text
	}
	found := mailPattern.FindAllStringSubmatch(text, -1)
	if len(found) > 0 {
		t.add("emails:" + countClass(len(found)))
	}
	for _, m := range found {
		t.add("email:dom:" + registrable(strings.ToLower(m[1])))
	}
	return mailPattern.ReplaceAllString(text, " ")
}

// structure adds the features of a text's shape: header-like lines, the share of
// capitals, money, wallets, percentages, phone numbers, repeated lines and words,
// runs of exclamation marks.
func (t *tokenSet) structure(text string) {
	// The cheap checks first: most replies have no colon or no digit, and the
	// patterns are most of a reply's classification time.
	if strings.IndexByte(text, ':') >= 0 {
		for _, m := range headerLine.FindAllStringSubmatch(text, -1) {
			t.add("hdr:" + strings.ToLower(m[1]))
		}
	}
	if strings.ContainsAny(text, "0123456789") {
		t.figures(text)
	}
	if strings.Contains(text, "!!") {
		t.add("punct:!!")
	}
	t.capitals(text)
	t.repetition(text)
}

// figures adds the features of texts with digits: money, wallets, percentages,
// phone numbers.
func (t *tokenSet) figures(text string) {
	if moneyPattern.MatchString(text) {
		t.add("money")
	}
	if walletPattern.MatchString(text) {
		t.add("wallet")
	}
	if percentage.MatchString(text) {
		t.add("percent")
	}
	if phonePattern.MatchString(text) {
		t.add("phone")
	}
}

// capitals adds the share of upper-case letters in classes, for texts with enough
// letters to tell shouting from an acronym.
func (t *tokenSet) capitals(text string) {
	var letters, upper int
	for _, r := range text {
		if unicode.IsLetter(r) {
			letters++
			if unicode.IsUpper(r) {
				upper++
			}
		}
	}
	if letters < 20 {
		return
	}
	// German capitalises nouns: a tenth of a German text's letters are capitals, so
	// the first class reaches to a fifth.
	switch share := float64(upper) / float64(letters); {
	case share >= 0.5:
		t.add("caps:50+")
	case share >= 0.2:
		t.add("caps:20-50")
	default:
		t.add("caps:0-20")
	}
}

// repetition adds a token when lines repeat (link dumps, pasted blocks) or the
// words are few distinct ones many times.
func (t *tokenSet) repetition(text string) {
	lines := map[string]int{}
	var total, repeated int
	for line := range strings.Lines(text) {
		line = strings.TrimSpace(line)
		if len(line) < 8 {
			continue
		}
		total++
		lines[line]++
		if lines[line] > 1 {
			repeated++
		}
	}
	if repeated > 0 {
		if repeated*4 >= total {
			t.add("repeat:lines:many")
		} else {
			t.add("repeat:lines:some")
		}
	}
	words := strings.Fields(strings.ToLower(text))
	if len(words) >= 20 {
		distinct := map[string]bool{}
		for _, w := range words {
			distinct[w] = true
		}
		if len(distinct)*3 < len(words) {
			t.add("repeat:words")
		}
	}
}

// words adds the word tokens of folded text: runs of letters, digits and the few
// marks that belong inside words; prefix names the field ("" for the text).
func (t *tokenSet) words(text, prefix string) {
	for _, w := range strings.FieldsFunc(text, notWordRune) {
		w = strings.Trim(w, "-'.")
		n := utf8.RuneCountInString(w)
		switch {
		case n < minWord:
			continue
		case n > maxWord:
			r, _ := utf8.DecodeRuneInString(w)
			w = "skip:" + string(r) + " " + strconv.Itoa(n/10*10)
		case isDigits(w) && n > 4:
			w = "num:" + strconv.Itoa(n)
		}
		t.add(prefix + w)
	}
}

// sender adds the domain of the replier's address and the words of their name.
func (t *tokenSet) sender(meta Meta) {
	if at := strings.LastIndexByte(meta.Email, '@'); at >= 0 {
		host := strings.ToLower(strings.TrimSpace(meta.Email[at+1:]))
		t.add("from:dom:" + registrable(host))
		t.add("from:tld:" + tld(host))
		local := meta.Email[:at]
		if strings.IndexFunc(local, unicode.IsDigit) >= 0 {
			t.add("from:digits")
		}
	}
	t.words(fold.Replace(strings.ToLower(meta.Name)), "name:")
}

func notWordRune(r rune) bool {
	return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' && r != '\'' && r != '$' && r != '€'
}

func notURLWordRune(r rune) bool {
	return (r < 'a' || r > 'z') && (r < '0' || r > '9')
}

func isDigits(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' }) < 0
}

func isIP(host string) bool {
	return strings.IndexFunc(host, func(r rune) bool { return r != '.' && (r < '0' || r > '9') }) < 0
}

// registrable is a host's last two labels (three where the second-level label is a
// well-known public suffix part such as co.uk), near enough to the registrable domain
// without a public suffix list.
func registrable(host string) string {
	labels := strings.Split(strings.Trim(host, "."), ".")
	if len(labels) <= 2 || isIP(host) {
		return host
	}
	keep := 2
	switch labels[len(labels)-2] {
	case "co", "com", "net", "org", "ac", "gov", "or":
		keep = 3
	}
	return strings.Join(labels[len(labels)-keep:], ".")
}

func tld(host string) string {
	if isIP(host) {
		return "ip"
	}
	return host[strings.LastIndexByte(host, '.')+1:]
}

// countClass names a count in the classes the filter learns.
func countClass(n int) string {
	switch {
	case n <= 2:
		return strconv.Itoa(n)
	case n <= 5:
		return "3-5"
	case n <= 10:
		return "6-10"
	default:
		return "11+"
	}
}
