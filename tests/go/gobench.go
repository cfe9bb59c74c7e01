// SPDX-License-Identifier: ISC
//
// The Go side of `cswviz --bench`: the same two measures as the fiber
// runtime's, on goroutines, so that the bench can print both and their
// ratio in one run.  cswviz builds it at run time when `go` is on the PATH.
//
//	gobench sleepers N   N goroutines that each count themselves and sleep
//	                     an hour: seconds until all are asleep, and the
//	                     growth of VmRSS meanwhile
//	gobench handoff N    two goroutines pass a value back and forth on
//	                     unbuffered channels, N handoffs, GOMAXPROCS=1:
//	                     ns per handoff in the process's CPU time, as
//	                     cswviz times its fibers' (and in wall time)
//
// Output: key=value lines.
package main

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"
)

// rss returns VmRSS of this process in bytes, or 0.
func rss() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if strings.HasPrefix(s.Text(), "VmRSS:") {
			v := strings.Fields(s.Text())
			if len(v) >= 2 {
				kb, _ := strconv.ParseInt(v[1], 10, 64)
				return kb * 1024
			}
		}
	}
	return 0
}

// cpuNs returns the CPU time of the whole process (every thread) in ns.
func cpuNs() int64 {
	var ts syscall.Timespec
	const clockProcessCPUTimeID = 2
	syscall.Syscall(syscall.SYS_CLOCK_GETTIME, clockProcessCPUTimeID,
		uintptr(unsafe.Pointer(&ts)), 0)
	return ts.Nano()
}

func sleepers(n int64) {
	var asleep int64
	rss0 := rss()
	t0 := time.Now()
	for i := int64(0); i < n; i++ {
		go func() {
			atomic.AddInt64(&asleep, 1)
			time.Sleep(time.Hour)
		}()
	}
	for atomic.LoadInt64(&asleep) < n {
		time.Sleep(time.Millisecond)
	}
	el := time.Since(t0)
	time.Sleep(20 * time.Millisecond) // the last ones reach their park
	fmt.Printf("asleep_s=%.4f\nrss_bytes=%d\n", el.Seconds(), rss()-rss0)
}

func handoff(n int64) {
	runtime.GOMAXPROCS(1)
	a := make(chan int64)
	b := make(chan int64)
	done := make(chan bool)
	go func() {
		for i := int64(0); i < n/2; i++ {
			v := <-a
			b <- v
		}
		done <- true
	}()
	t0 := time.Now()
	c0 := cpuNs()
	var v int64
	for i := int64(0); i < n/2; i++ {
		a <- v
		v = <-b
	}
	cpu := cpuNs() - c0
	el := time.Since(t0)
	<-done
	fmt.Printf("handoff_ns=%.3f\nhandoff_wall_ns=%.3f\n",
		float64(cpu)/float64(n/2*2),
		float64(el.Nanoseconds())/float64(n/2*2))
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: gobench sleepers|handoff N")
		os.Exit(2)
	}
	n, err := strconv.ParseInt(os.Args[2], 10, 64)
	if err != nil || n < 2 {
		fmt.Fprintln(os.Stderr, "gobench: N must be a number, 2 or more")
		os.Exit(2)
	}
	switch os.Args[1] {
	case "sleepers":
		sleepers(n)
	case "handoff":
		handoff(n)
	default:
		fmt.Fprintln(os.Stderr, "gobench: sleepers or handoff")
		os.Exit(2)
	}
}
