// Package spam is the reply spam filter (HGK-10): a Bayesian token filter with
// Robinson's token probabilities and Fisher's chi-squared combining, as SpamBayes
// does it, with three outcomes: ham and unsure are delivered, only clear spam
// (a score above the spam threshold) is withheld. It runs inside Kontor, needs no
// network and no outside service: a reply never leaves the operator.
//
// The tokenizer (Tokenize) folds case and German letters (ä → ae, ß → ss) and adds
// structural features beside the words: links and their domains and words, mail
// addresses in the text, header-like lines (Bcc:, Subject:), the share of capitals,
// money, wallet addresses, repeated lines and words, the replier's address domain.
//
// Every Decision names its score, its strongest clues (token and probability) and
// the model and thresholds that judged, so staff can see why a reply was withheld;
// Filter.Identity gives the record of processing the same. The model (model.gz,
// embedded) is trained by infra/cmd/kontor-spamtrain from the SpamAssassin public
// corpus and the hand-written replies (replies.tsv); docs/spam.md has the method,
// the measured figures and how to retrain.
package spam
