a
b
c
d-without-newline