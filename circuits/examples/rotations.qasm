// A hand-written example for `qresource count`: a Toffoli, a CSWAP, a user-defined gate
// with a rotation, and rotations at angles that are and are not multiples of pi/4.
OPENQASM 3.0;
include "stdgates.inc";
qubit[3] q;
bit[3] c;
gate entangle(theta) a, b { cx a, b; rz(theta) b; cx a, b; }
h q[0];
ccx q[0], q[1], q[2];
cswap q[2], q[0], q[1];
entangle(0.25) q[0], q[1];
rz(pi / 4) q[2];
ry(1.2) q[1];
u3(0.1, 0.2, 0.3) q[0];
c = measure q;
