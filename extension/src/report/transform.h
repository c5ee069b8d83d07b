// Profile transforms that `go tool pprof` applies before it builds a report
// (pprof-semantics.md sections 0, 6 and 7), following the pprof vendored by
// Go 1.19 (cmd/vendor/github.com/google/pprof) wherever it differs from the
// spec's newer commit:
//   * combineProfiles has no CompatibilizeSampleTypes step: all sources must
//     have the same number of sample types (measurement.ScaleProfiles checks),
//     and profile.Merge then requires equal type and unit names.
//   * combineProfiles runs profile.Merge even for a single source, so every
//     profile pprof reports on has been merged with itself: identical samples
//     added together, all-zero samples removed, mappings/functions/locations
//     deduplicated, unreferenced ones dropped and ids renumbered 1..n in order
//     of first use. Merge({&p}) does exactly that.
//   * applyFocus always runs FilterSamplesByName, even with no -focus, -ignore,
//     -hide or -show: a sample with an empty stack never survives it.
//
// Every transform returns a NEW profile and leaves its input untouched. The
// result keeps the model's invariants (id -> index maps, ranges into the flat
// arrays, a string table starting with ""); locations and functions that no
// sample refers to any more may remain (except after Merge, which drops them).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "model/profile.h"

namespace pprofsql {

// fetch.go combineProfiles: measurement.ScaleProfiles (each sample type, and
// the period type, converted to the finest unit of its family among the
// inputs; values rescaled, rounding half away from zero, samples whose
// rescaled values are all 0 dropped), then profile.Merge. Errors use pprof's
// texts ("period type: incompatible types: ...", "sample types: ...",
// "inconsistent samples type count: 2 != 4", "incompatible sample types ...",
// "no profiles to merge"). More than 64 profiles are combined in chunks of 64
// (fetch.go chunkedGrab), each chunk's result then combined with the previous.
Result<std::shared_ptr<Profile>> Merge(const std::vector<const Profile*>& profiles);

// -base (diff_base false) and -diff_base (true), as fetchProfiles does them:
// with diff_base every base sample first gets the string label
// pprof::base=true (replacing earlier string values of that key); with
// normalize (-normalize) the source is scaled by sum(base)/sum(source) per
// sample type; then every base value is multiplied by -1 and source and base
// are combined with Merge, so identical stacks cancel (and vanish when every
// value reaches 0).
Result<std::shared_ptr<Profile>> ApplyBase(const Profile& source, const Profile& base, bool diff_base,
                                           bool normalize = false);

// The options applyFocus reads. Empty means "not set".
struct FilterOptions {
  std::string focus, ignore, hide, show, show_from, tagfocus, tagignore, tagshow, taghide, prune_from;
};

// driver_focus.go applyFocus: FilterSamplesByName(focus, ignore, hide, show),
// ShowFrom, FilterSamplesByTag(tagfocus, tagignore), FilterTagsByName(tagshow,
// taghide), PruneFrom, in that order. `warnings` (may be null) receives the
// lines pprof prints on stderr, without newline, in pprof's order:
//   "tagfocus:Interpreted '32kb:' as range, not regexp"
//   "Focus expression matched no samples" (also Ignore, Hide, Show, ShowFrom,
//   TagFocus, TagIgnore, TagShow, TagHide)
// A bad regexp gives pprof's error, e.g.
//   "parsing focus regexp: error parsing regexp: missing closing ): `(`".
// Numeric tag ranges compare values after scaling them from the unit of their
// label key (NumLabelUnits of `p`) to the filter's unit.
Result<std::shared_ptr<Profile>> ApplyFilters(const Profile& p, const FilterOptions& options,
                                              std::vector<std::string>* warnings);

// profile.RemoveUninteresting as pprof's driver uses it: Prune with
// ^(drop_frames)$ and ^(keep_frames)$ (a copy of `p` when drop_frames is
// empty, or when either does not compile: pprof ignores that error and
// reports the profile unpruned). Never fails.
Result<std::shared_ptr<Profile>> RemoveUninteresting(const Profile& p);

// profile.NumLabelUnits: for every numeric label key, the first non-empty unit
// seen on it (sample order), else "bytes" for the keys "alignment" and
// "request", else the key itself.
std::map<std::string, std::string> NumLabelUnits(const Profile& p);

// prune.go simplifyFunc: drops one leading '.', then cuts the name before the
// first '(' that does not start "(anonymous namespace)" or "operator()".
std::string SimplifyFunc(std::string_view name);

}  // namespace pprofsql
