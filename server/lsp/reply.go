package lsp

// Results answered from a pooled buffer. A large result encoded afresh per
// request (a list of 500 completions is 180 KB) is garbage the moment it
// is sent, and with the heap kept near what is live, garbage makes the
// collector run and the allocating request pay for its marking. A handler
// may instead encode into a buffer from replyBufs and return it as a
// *pooledReply: the codec hands the bytes to jsonrpc2 as they are, and the
// buffer goes back to the pool once the frame carrying them is written.
//
// jsonrpc2 does not say when it is done with a result's bytes, so the
// stream's writer watches for them: the frame of a response ends with its
// result and the closing brace of the envelope, and jsonrpc2 writes each
// frame with one Write. A buffer is released only after a frame ending
// with "result":, its bytes and "}" has been written, and only when no
// other buffer waiting holds the same bytes (then which one was sent is
// unknown). A buffer never matched (in a batch, whose frame ends with "]",
// or in a response not sent) is dropped from the watch and left to the
// collector. Should jsonrpc2 ever frame differently, buffers are merely
// never reused.

import (
	"bytes"
	"io"
	"sync"
)

const (
	// maxPooledReply is the largest buffer kept for reuse.
	maxPooledReply = 4 << 20
	// maxPendingReplies bounds the buffers waiting for their frame.
	maxPendingReplies = 8
)

// resultKey precedes the result in a response's frame.
var resultKey = []byte(`"result":`)

// replyBufs holds the buffers of results that were sent.
var replyBufs = sync.Pool{New: func() any { return new([]byte) }}

// pooledReply is a result already encoded into a buffer from replyBufs.
type pooledReply struct{ buf *[]byte }

// newPooledReply returns an empty reply buffer to encode into.
func newPooledReply() *pooledReply {
	buf := replyBufs.Get().(*[]byte)
	*buf = (*buf)[:0]
	return &pooledReply{buf: buf}
}

// replyWriter is the connection's stream: it releases the pooled results
// whose frames it has written.
type replyWriter struct {
	io.ReadWriteCloser

	// mu guards pending.
	mu      sync.Mutex
	pending []*[]byte // handed to jsonrpc2, frame not yet seen; oldest first
}

func newReplyWriter(rwc io.ReadWriteCloser) *replyWriter {
	return &replyWriter{ReadWriteCloser: rwc}
}

// sending records that the bytes of buf are about to be framed.
func (w *replyWriter) sending(buf *[]byte) {
	if len(*buf) == 0 {
		return // it would match any frame
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.pending) == maxPendingReplies {
		w.pending = append(w.pending[:0], w.pending[1:]...) // the oldest goes to the collector
	}
	w.pending = append(w.pending, buf)
}

// Write writes one frame, then releases the pooled result it carried.
func (w *replyWriter) Write(p []byte) (int, error) {
	n, err := w.ReadWriteCloser.Write(p)
	if err == nil {
		w.written(p)
	}
	return n, err
}

// written releases the one buffer waiting whose bytes end frame, just
// before the envelope's closing brace.
func (w *replyWriter) written(frame []byte) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.pending) == 0 || len(frame) == 0 || frame[len(frame)-1] != '}' {
		return
	}
	body := frame[:len(frame)-1]
	match := -1
	for i, buf := range w.pending {
		if !bytes.HasSuffix(body, *buf) || !bytes.HasSuffix(body[:len(body)-len(*buf)], resultKey) {
			continue
		}
		if match >= 0 {
			return // two with the same bytes: which one was sent is unknown
		}
		match = i
	}
	if match < 0 {
		return
	}
	buf := w.pending[match]
	w.pending = append(w.pending[:match], w.pending[match+1:]...)
	if cap(*buf) <= maxPooledReply {
		replyBufs.Put(buf)
	}
}
