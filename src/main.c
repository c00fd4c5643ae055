/*
 * main.c — tongxin: the server, the command line and the administration
 * tool in one binary. Everything is a command of cli/.
 */
#include "cli/cli.h"

int main(int argc, char **argv)
{
	return cli_main(argc, argv);
}
