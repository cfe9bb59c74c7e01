// SPDX-License-Identifier: ISC

// The Go beside each scenario's fibers: what a goroutine would run for
// the same lesson, shown by cswviz's v key next to the C of our fibers.
// Between the "lesson:" and "end lesson" comments the code is extracted
// at build time; it is kept real by go vet and gofmt (tests/cli/lessons.sh)
// and by running it: `go run lessons.go` runs each for a moment.
package main

import (
	"fmt"
	"io"
	"net"
	"runtime"
	"sync/atomic"
	"syscall"
	"time"
)

// lesson: pingpong fibers
// Hand the token back and forth over an unbuffered channel.
func pingpong(ch chan int, first bool, handoffs *atomic.Uint64) {
	token := 0
	if first {
		ch <- token
	}
	for range ch {
		handoffs.Add(1)
		ch <- token
	}
}

// end lesson

// lesson: sleepers fibers
// Sleep for a period, wake, count, until told to stop.
func sleeper(period time.Duration, stop *atomic.Bool, wakeups *atomic.Uint64) {
	next := time.Now().Add(period)
	for !stop.Load() {
		time.Sleep(time.Until(next))
		wakeups.Add(1)
		next = next.Add(period)
	}
}

// end lesson

// lesson: server fibers
// Serve requests on a connection: a read that finds nothing parks the
// goroutine on the netpoller, not the thread.
func serve(c net.Conn, served *atomic.Uint64) {
	var req [64]byte
	for {
		if _, err := io.ReadFull(c, req[:]); err != nil {
			return
		}
		req[0] ^= work(req[:])
		if _, err := c.Write(req[:]); err != nil {
			return
		}
		served.Add(1)
	}
}

// end lesson

// work is the server's few passes of FNV-1a over a request.
func work(b []byte) byte {
	h := uint32(2166136261)
	for i := 0; i < 4; i++ {
		for _, c := range b {
			h = (h ^ uint32(c)) * 16777619
		}
	}
	return byte(h)
}

// spin is a chunk of arithmetic no compiler folds.
func spin(x uint64, n int) uint64 {
	for i := 0; i < n; i++ {
		x = x*6364136223846793005 + 1442695040888963407
	}
	return x
}

// lesson: cpu-flood fibers a
// Compute a chunk, then let the other goroutines have a turn.
func flood(stop *atomic.Bool, chunks *atomic.Uint64) {
	x := uint64(1)
	for !stop.Load() {
		x = spin(x, 100000)
		chunks.Add(1)
		runtime.Gosched()
	}
	_ = x
}

// end lesson

// lesson: cpu-flood fibers b
// A pool of P workers takes the tasks' chunks from one queue: only P
// goroutines are ever runnable, whatever the number of tasks.
func floodPool(jobs chan int, stop *atomic.Bool, chunks *atomic.Uint64) {
	x := uint64(1)
	for task := range jobs {
		x = spin(x, 100000)
		chunks.Add(1)
		if !stop.Load() {
			jobs <- task // the task's next chunk, at the tail
		}
	}
	_ = x
}

// end lesson

// lesson: blocking fibers a
// A blocking system call: Go's sysmon sees the thread stuck and hands
// its P to another thread after about 20 us, so the other goroutines
// run on, at the price of one more OS thread per call in flight.
func blocking(stop *atomic.Bool, calls *atomic.Uint64) {
	for !stop.Load() {
		ts := syscall.NsecToTimespec(int64(150 * time.Millisecond))
		_ = syscall.Nanosleep(&ts, nil)
		calls.Add(1)
		time.Sleep(time.Millisecond)
	}
}

// end lesson

// lesson: blocking fibers b
// The same calls, at most P-1 in flight: a buffered channel is the
// semaphore, so one P always stays free for everyone else.
func blockingLimited(sem chan struct{}, stop *atomic.Bool, calls *atomic.Uint64) {
	for !stop.Load() {
		sem <- struct{}{}
		ts := syscall.NsecToTimespec(int64(150 * time.Millisecond))
		_ = syscall.Nanosleep(&ts, nil)
		<-sem
		calls.Add(1)
		time.Sleep(time.Millisecond)
	}
}

// end lesson

// lesson: fanin fibers
// Many producers send one item at a time to one channel; one consumer
// adds them up.
func produce(ch chan<- uint64, stop *atomic.Bool) {
	x := uint64(88172645463325252)
	for !stop.Load() {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		ch <- x
	}
}

func consume(ch <-chan uint64, items *atomic.Uint64) {
	sum := uint64(0)
	for v := range ch {
		sum += v
		items.Add(1)
	}
	_ = sum
}

// end lesson

// lesson: fanin fibers b
// Each producer sums a batch of 4096 items itself and sends the partial
// sum: one send, one wakeup of the consumer, for 4096 items.
func producePartial(ch chan<- uint64, stop *atomic.Bool) {
	x := uint64(88172645463325252)
	for !stop.Load() {
		sum := uint64(0)
		for i := 0; i < 4096; i++ {
			x ^= x << 13
			x ^= x >> 7
			x ^= x << 17
			sum += x
		}
		ch <- sum
	}
}

// end lesson

// lesson: leak fibers a
// Wait for a reply nobody sends: the goroutine and its stack stay
// forever, and the garbage collector cannot free them.
func leak(reply chan int) {
	<-reply
}

// end lesson

// lesson: leak fibers b
// The same wait with a way out: a deadline (or a context's Done) ends it.
func leakCancel(reply chan int, timeout time.Duration) {
	select {
	case <-reply:
	case <-time.After(timeout):
	}
}

// end lesson

// main runs each lesson for a moment, so that the code shown is code
// that runs, and prints what each did.
func main() {
	var stop atomic.Bool
	var n [8]atomic.Uint64

	ch := make(chan int)
	go pingpong(ch, true, &n[0])
	go pingpong(ch, false, &n[0])
	go sleeper(10*time.Millisecond, &stop, &n[1])
	a, b := net.Pipe()
	go serve(a, &n[2])
	go func() {
		var buf [64]byte
		for !stop.Load() {
			if _, err := b.Write(buf[:]); err != nil {
				return
			}
			if _, err := io.ReadFull(b, buf[:]); err != nil {
				return
			}
		}
	}()
	go flood(&stop, &n[3])
	jobs := make(chan int, 4)
	for i := 0; i < 4; i++ {
		jobs <- i
	}
	go floodPool(jobs, &stop, &n[3])
	go blocking(&stop, &n[4])
	sem := make(chan struct{}, 1)
	go blockingLimited(sem, &stop, &n[4])
	items := make(chan uint64)
	go produce(items, &stop)
	go producePartial(items, &stop)
	go consume(items, &n[5])
	go leak(make(chan int))
	go leakCancel(make(chan int), 10*time.Millisecond)

	time.Sleep(300 * time.Millisecond)
	stop.Store(true)
	fmt.Printf("handoffs %d wakeups %d requests %d chunks %d calls %d items %d\n",
		n[0].Load(), n[1].Load(), n[2].Load(), n[3].Load(), n[4].Load(), n[5].Load())
}
