package model

import (
	"fmt"
	"strings"
)

// USCC (统一社会信用代码, GB 32100-2015) alphabet: digits and upper-case letters without
// I, O, Z, S, V; each character's value is its index here.
const usccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// usccWeights are W_i = 3^(i-1) mod 31 for the 17 body characters (GB 32100-2015 §4.4).
var usccWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// USCCCheckChar computes the 18th character of a code from its first 17.
func USCCCheckChar(body string) (byte, error) {
	if len(body) != 17 {
		return 0, fmt.Errorf("code body must be 17 characters, got %d", len(body))
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := strings.IndexByte(usccAlphabet, body[i])
		if v < 0 {
			return 0, fmt.Errorf("character %q at position %d is not allowed (GB 32100 uses 0-9 and A-Y without I, O, Z, S, V)", body[i], i+1)
		}
		sum += v * usccWeights[i]
	}
	c := 31 - sum%31
	if c == 31 {
		c = 0
	}
	return usccAlphabet[c], nil
}

// CheckUSCC validates an 18-character 统一社会信用代码 including its check character.
func CheckUSCC(code string) error {
	if len(code) != 18 {
		return fmt.Errorf("统一社会信用代码 must be 18 characters, got %d", len(code))
	}
	want, err := USCCCheckChar(code[:17])
	if err != nil {
		return err
	}
	if code[17] != want {
		return fmt.Errorf("统一社会信用代码 %s fails the GB 32100 check: last character should be %c, is %c", code, want, code[17])
	}
	return nil
}
