

* "€ "


€­â2x2samples2count2cpu2nanoseconds2pkg.f2/nonexistent/x.goZ`€­â