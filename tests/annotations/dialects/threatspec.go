// The original threatspec forms (its parser's patterns), as threatspec users write them.
// @mitigates Path:To:Component against a multi word threat with a multi word control
// @accepts a multi word threat to Path:To:Component with why it has been accepted
// @transfers a multi word threat from Path:To:Source to Path:To:Destination with why it has been transferred
// @exposes Path:To:Component to a multi word threat with how it is exposed
// @connects Path:To:Source with Path:To:Destination with details about the connection
// @connects User:Browser to MyApp:Web:Nginx with HTTPS/TCP/443
// @review Path:To:Component something worth noting
// @tests a multi word control for Path:To:Component
// @mitigate WebApp:FileSystem against unauthorised access with strict file permissions
// @Mitigates WebApp:FileSystem AGAINST X WITH Y
// @mitigates A against B with C with D
// @threat SQL Injection (#sqli)
// @control use of a secure random number generator (#PRNG)
// @component MyApp:Users:Database (#users-db)
// @expose MyApp:CICD:Deployment to rogue code changes (#rogue-changes) with lack of separation of duty
/*
@mitigates WebApp:FileSystem against unauthorised access with strict file permissions:
  description: |
    The file permissions 0600 limit reading and writing of the file
    to its owner.
  impact: high

*/
func main() {
	os.WriteFile(path, data, 0644) // @review WebApp:Web Is this a security feature?
}
