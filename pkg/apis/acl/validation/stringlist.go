// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package validation

import (
	"strings"

	kjson "sigs.k8s.io/json"
)

// stringList decodes a JSON list of strings such as a rule's cidrs. Lists of thousands of CIDRs are the hot path of
// the webhook, so the common case (plain ASCII strings without escapes) is read by slicing a single copy of the list
// text: one allocation per list instead of one per entry, and no second validation pass. Anything else is handed to
// the JSON decoder, which then also reports what is wrong with it.
type stringList []string

// UnmarshalJSON decodes a JSON list of strings.
func (l *stringList) UnmarshalJSON(data []byte) error {
	if list, ok := plainStrings(data); ok {
		*l = list
		return nil
	}
	return kjson.UnmarshalCaseSensitivePreserveInts(data, (*[]string)(l))
}

// plainStrings reads a JSON array whose elements are all strings of printable ASCII without escapes. The enclosing
// decoder has already checked that data is valid JSON. It reports false for anything else, including null.
func plainStrings(data []byte) ([]string, bool) {
	text := string(data)
	i := skipSpace(text, 0)
	if i >= len(text) || text[i] != '[' {
		return nil, false
	}
	i = skipSpace(text, i+1)
	list := make([]string, 0, strings.Count(text, ",")+1)
	if i < len(text) && text[i] == ']' {
		return list, true
	}

	for i < len(text) {
		if text[i] != '"' {
			return nil, false
		}
		start := i + 1
		end := start
		for end < len(text) && text[end] != '"' {
			if c := text[end]; c == '\\' || c < 0x20 || c >= 0x7f {
				return nil, false
			}
			end++
		}
		if end >= len(text) {
			return nil, false
		}
		list = append(list, text[start:end])

		i = skipSpace(text, end+1)
		if i >= len(text) {
			return nil, false
		}
		switch text[i] {
		case ',':
			i = skipSpace(text, i+1)
		case ']':
			return list, skipSpace(text, i+1) == len(text)
		default:
			return nil, false
		}
	}
	return nil, false
}

func skipSpace(text string, i int) int {
	for i < len(text) && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r') {
		i++
	}
	return i
}
