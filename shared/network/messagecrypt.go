package network

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"
)

// Each copy of a message is sealed with AES-256-GCM under a key of its own, made
// here for this one copy; that key is sealed (AES-256-GCM again) under the
// side's key, which KMS makes and seals (Keys). The additional data binds every
// sealed value to its conversation, side and message, so that no value can be
// moved to another place and opened there. Deleting a copy's key, or the side's
// key, leaves its ciphertext unreadable for good.

// errSealed is a sealed value that does not open (a wrong key or place).
var errSealed = errors.New("network: sealed message does not open")

func gcm(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("message cipher: %w", err)
	}
	return cipher.NewGCM(block)
}

// sealBytes seals plain under key with a fresh random nonce (kept in front).
func sealBytes(key, plain, aad []byte) ([]byte, error) {
	a, err := gcm(key)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, a.NonceSize(), a.NonceSize()+len(plain)+a.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("message nonce: %w", err)
	}
	return a.Seal(nonce, nonce, plain, aad), nil
}

// openBytes opens what sealBytes sealed.
func openBytes(key, sealed, aad []byte) ([]byte, error) {
	a, err := gcm(key)
	if err != nil {
		return nil, err
	}
	if len(sealed) < a.NonceSize() {
		return nil, errSealed
	}
	plain, err := a.Open(nil, sealed[:a.NonceSize()], sealed[a.NonceSize():], aad)
	if err != nil {
		return nil, errSealed
	}
	return plain, nil
}

// place is the additional data of one copy's values.
func place(what, conv, side, msgID string) []byte {
	return []byte("kontor/message/" + what + "\x00" + conv + "\x00" + side + "\x00" + msgID)
}

// sealMessage seals text for one side: the ciphertext, and the copy's own key
// sealed under the side's key.
func sealMessage(sideKey []byte, conv, side, msgID, text string) (ciphertext, sealedKey []byte, err error) {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, nil, fmt.Errorf("message key: %w", err)
	}
	defer clear(key)
	if ciphertext, err = sealBytes(key, []byte(text), place("text", conv, side, msgID)); err != nil {
		return nil, nil, err
	}
	if sealedKey, err = sealBytes(sideKey, key, place("key", conv, side, msgID)); err != nil {
		return nil, nil, err
	}
	return ciphertext, sealedKey, nil
}

// openMessage opens one copy with the side's key and the copy's sealed key.
func openMessage(sideKey []byte, conv, side, msgID string, sealedKey, ciphertext []byte) (string, error) {
	key, err := openBytes(sideKey, sealedKey, place("key", conv, side, msgID))
	if err != nil {
		return "", err
	}
	defer clear(key)
	text, err := openBytes(key, ciphertext, place("text", conv, side, msgID))
	return string(text), err
}

// OpenCopy opens one stored copy with a side key (plain) and the copy's sealed
// key: what a test uses to show that no key left opens a copy.
func OpenCopy(sideKey []byte, conv, side, msgID string, sealedKey, ciphertext []byte) (string, error) {
	return openMessage(sideKey, conv, side, msgID, sealedKey, ciphertext)
}
