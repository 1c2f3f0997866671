# Install rules and the Debian packages (scripts/package; README "Installing
# from the Debian packages"). Two packages, one per component:
#   wardsync-server  the server binary, the election form pack under
#                    /usr/share/wardsync, its systemd unit
#   wardsync         the client (officer app, sync agent), its systemd unit
# Both create the `wardsync` system user and their /var/lib directory in
# their maintainer scripts (packaging/server, packaging/client).
include(GNUInstallDirs)

# Paths the units and maintainer scripts name are Debian's, whatever
# CMAKE_INSTALL_PREFIX says: the packages install under /usr.
set(WARDSYNC_UNIT_DIR lib/systemd/system)

install(TARGETS wardsync-server RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT server)
install(DIRECTORY ${CMAKE_SOURCE_DIR}/forms/election DESTINATION ${CMAKE_INSTALL_DATADIR}/wardsync/forms
        COMPONENT server FILES_MATCHING PATTERN "*.json")
install(FILES ${CMAKE_SOURCE_DIR}/deploy/systemd/wardsync-server.service DESTINATION ${WARDSYNC_UNIT_DIR}
        COMPONENT server)
install(TARGETS wardsync RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT client)
install(FILES ${CMAKE_SOURCE_DIR}/deploy/systemd/wardsync-agent@.service DESTINATION ${WARDSYNC_UNIT_DIR}
        COMPONENT client)

# Debian wants in every package: /usr/share/doc/PKG/copyright and a
# gzip -9n changelog.Debian.gz (-n: no name or time in the header, so the
# bytes do not change from build to build).
set(WARDSYNC_PKG_GEN ${CMAKE_BINARY_DIR}/packaging)
file(MAKE_DIRECTORY ${WARDSYNC_PKG_GEN})
add_custom_command(
  OUTPUT ${WARDSYNC_PKG_GEN}/changelog.Debian.gz
  COMMAND gzip -9n -c ${CMAKE_CURRENT_LIST_DIR}/changelog > ${WARDSYNC_PKG_GEN}/changelog.Debian.gz
  DEPENDS ${CMAKE_CURRENT_LIST_DIR}/changelog
  COMMENT "packaging: changelog.Debian.gz")
set(WARDSYNC_PKG_FILES ${WARDSYNC_PKG_GEN}/changelog.Debian.gz)

# Man pages made from each binary's --help and --version (help2man, a Debian
# package in scripts/lib.sh). Without help2man the build goes on and the
# install has no man pages; scripts/package refuses to package then.
find_program(WARDSYNC_HELP2MAN help2man)
if(WARDSYNC_HELP2MAN)
  foreach(bin wardsync-server wardsync)
    if(bin STREQUAL "wardsync-server")
      set(what "central server of the wardsync election sync system")
    else()
      set(what "ward client of the wardsync election sync system")
    endif()
    add_custom_command(
      OUTPUT ${WARDSYNC_PKG_GEN}/${bin}.1.gz
      COMMAND ${WARDSYNC_HELP2MAN} --no-info --section=1 --name=${what} --output=${WARDSYNC_PKG_GEN}/${bin}.1
              $<TARGET_FILE:${bin}>
      COMMAND gzip -9n -f ${WARDSYNC_PKG_GEN}/${bin}.1
      DEPENDS ${bin}
      COMMENT "packaging: man page of ${bin} (help2man)"
      VERBATIM)
    list(APPEND WARDSYNC_PKG_FILES ${WARDSYNC_PKG_GEN}/${bin}.1.gz)
  endforeach()
  install(FILES ${WARDSYNC_PKG_GEN}/wardsync-server.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT server)
  install(FILES ${WARDSYNC_PKG_GEN}/wardsync.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT client)
else()
  message(STATUS "help2man not found (Debian package help2man): installs and packages get no man pages")
endif()
add_custom_target(wardsync_package_files ALL DEPENDS ${WARDSYNC_PKG_FILES})

foreach(pair "server;wardsync-server" "client;wardsync")
  list(GET pair 0 component)
  list(GET pair 1 package)
  install(FILES ${CMAKE_CURRENT_LIST_DIR}/copyright ${WARDSYNC_PKG_GEN}/changelog.Debian.gz
          DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/${package} COMPONENT ${component})
  if(EXISTS ${CMAKE_CURRENT_LIST_DIR}/${component}/lintian-overrides)
    install(FILES ${CMAKE_CURRENT_LIST_DIR}/${component}/lintian-overrides
            DESTINATION ${CMAKE_INSTALL_DATADIR}/lintian/overrides RENAME ${package} COMPONENT ${component})
  endif()
endforeach()

# ---- CPack: one .deb per component ----
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_PACKAGE_NAME wardsync)
set(CPACK_PACKAGE_VENDOR "wardsync")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
# The committee's packager sets the real address: -DWARDSYNC_PACKAGE_CONTACT=...
set(WARDSYNC_PACKAGE_CONTACT "wardsync maintainers <wardsync@example.org>" CACHE STRING
    "Maintainer field of the Debian packages")
set(CPACK_PACKAGE_CONTACT ${WARDSYNC_PACKAGE_CONTACT})
set(CPACK_PACKAGE_DIRECTORY ${CMAKE_BINARY_DIR}/packages)
set(CPACK_STRIP_FILES ON)
set(CPACK_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS
    OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
set(CPACK_COMPONENTS_ALL server client)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# Maintainer scripts 0755, owned by root, as dpkg and lintian expect.
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

set(CPACK_DEBIAN_SERVER_PACKAGE_NAME wardsync-server)
set(CPACK_DEBIAN_SERVER_PACKAGE_SECTION net)
# adduser: the postinst creates the `wardsync` system user.
set(CPACK_DEBIAN_SERVER_PACKAGE_DEPENDS "adduser")
string(CONCAT CPACK_COMPONENT_SERVER_DESCRIPTION
    "central server of the wardsync election sync system\n"
    "wardsync keeps the records of an election committee's wards and communes\n"
    "in step: officers capture forms offline on their own devices and sync them\n"
    "to this server over TLS when a network is there. The server checks every\n"
    "signed change, keeps the committee's log and store, and serves reports,\n"
    "exports and the committee dashboard. It comes with the election form pack\n"
    "in /usr/share/wardsync/forms/election and a systemd unit.")
set(CPACK_DEBIAN_SERVER_PACKAGE_CONTROL_EXTRA
    ${CMAKE_CURRENT_LIST_DIR}/server/postinst ${CMAKE_CURRENT_LIST_DIR}/server/prerm
    ${CMAKE_CURRENT_LIST_DIR}/server/postrm)

set(CPACK_DEBIAN_CLIENT_PACKAGE_NAME wardsync)
set(CPACK_DEBIAN_CLIENT_PACKAGE_DEPENDS "adduser")
string(CONCAT CPACK_COMPONENT_CLIENT_DESCRIPTION
    "ward client of the wardsync election sync system\n"
    "wardsync keeps the records of an election committee's wards and communes\n"
    "in step. This is the officers' side: forms captured offline (on the command\n"
    "line or in the officer app, a local web page), signed with the device's own\n"
    "key and synced to the committee's server whenever it can be reached, by\n"
    "hand or by the background agent (a systemd unit).")
set(CPACK_DEBIAN_CLIENT_PACKAGE_CONTROL_EXTRA
    ${CMAKE_CURRENT_LIST_DIR}/client/postinst ${CMAKE_CURRENT_LIST_DIR}/client/prerm
    ${CMAKE_CURRENT_LIST_DIR}/client/postrm)

include(CPack)
